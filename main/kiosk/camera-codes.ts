// Codes read by the camera: while the kiosk runs, a frame every interval goes to the QR decoder
// (a worker thread); a frame holding a code hands its text to the session.
import type { Camera } from '../../drivers/camera/index.js';

/** What the kiosk needs of drivers/camera's QrImageDecoder. */
export interface FrameDecoder {
  decode(image: Uint8Array): Promise<{ readonly text: string | null }>;
  close(): Promise<void>;
}

export interface CameraCodeWatchOptions {
  readonly camera: Camera;
  readonly decoder: FrameDecoder;
  readonly intervalMs: number;
  onCode(text: string): void;
  /** A capture or decode failed (the camera's health event says what to do; this is for the log). */
  onError(error: unknown): void;
}

export class CameraCodeWatch {
  readonly #o: CameraCodeWatchOptions;
  #running = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #looking: Promise<void> | undefined;

  constructor(options: CameraCodeWatchOptions) {
    this.#o = options;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#looking;
  }

  #schedule(ms: number): void {
    if (!this.#running) return;
    this.#timer = setTimeout(() => {
      this.#looking = this.#look().finally(() => {
        this.#looking = undefined;
        this.#schedule(this.#o.intervalMs);
      });
    }, ms);
  }

  async #look(): Promise<void> {
    // An absent camera is not asked for frames: its health says so, and fswebcam would only fail.
    if (this.#o.camera.health.state === 'absent' && (await this.#o.camera.check()).state === 'absent') return;
    try {
      const frame = await this.#o.camera.capture();
      if (!this.#running) return;
      const { text } = await this.#o.decoder.decode(frame.bytes);
      if (this.#running && text) this.#o.onCode(text);
    } catch (error) {
      if (this.#running) this.#o.onError(error);
    }
  }
}
