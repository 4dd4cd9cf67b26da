// FakeCamera: the camera's twin for simulation mode and tests. Same interface, same one-at-a-
// time captures and a capture's delay; the frames are images shown to it or files in a folder.
import { EventEmitter } from 'node:events';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { CameraError, CaptureQueue, type Camera, type CameraEvents, type CameraHealth, type CapturedImage } from './capture.js';
import { decodeImage, imageSizeOf } from './image.js';

export interface FakeCameraOptions {
  /**
   * A folder of PNG/JPEG files shown to the camera in turn (by name), one a capture. It is
   * listed again on each capture, so a simulator can drop a code's image into it at any time.
   */
  folder?: string;
  /** How long a capture takes. Default 400 ms, about fswebcam opening a USB camera and skipping 5 frames. */
  delayMs?: number;
  /** Whether the camera starts plugged in. Default true. */
  plugged?: boolean;
}

const IMAGE_FILE = /\.(png|jpe?g)$/i;

export class FakeCamera extends EventEmitter<CameraEvents> implements Camera {
  private readonly folder: string | undefined;
  private readonly delayMs: number;
  private readonly queue = new CaptureQueue();
  private plugged: boolean;
  private shown: Uint8Array | undefined;
  private turn = 0;
  private current: CameraHealth = { state: 'absent', why: 'not checked yet' };
  private blank: Uint8Array | undefined;
  /** Captures taken so far (tests read it). */
  captures = 0;

  constructor(options: FakeCameraOptions = {}) {
    super();
    const { folder, delayMs = 400, plugged = true } = options;
    if (folder !== undefined && (typeof folder !== 'string' || folder === '')) throw new TypeError('FakeCamera: option "folder" must be a directory path');
    if (!Number.isFinite(delayMs) || delayMs < 0) throw new TypeError(`FakeCamera: option "delayMs" must be ≥ 0 milliseconds (got ${String(delayMs)})`);
    if (typeof plugged !== 'boolean') throw new TypeError('FakeCamera: option "plugged" must be true or false');
    this.folder = folder;
    this.delayMs = delayMs;
    this.plugged = plugged;
  }

  get health(): CameraHealth {
    return this.current;
  }

  /**
   * Holds an image (PNG or JPEG bytes) in front of the camera: every capture returns it until
   * show(null) takes it away. Simulation mode shows codes this way.
   */
  show(image: Uint8Array | null): void {
    if (image !== null && (!(image instanceof Uint8Array) || imageSizeOf(image) === null)) {
      throw new TypeError('FakeCamera.show: pass PNG or JPEG bytes, or null to take the image away');
    }
    this.shown = image ?? undefined;
  }

  /** Pulls the cable: captures fail with device_missing until replug(). */
  unplug(): void {
    this.plugged = false;
    setImmediate(() => {
      if (!this.plugged) this.report({ state: 'absent', why: new CameraError('device_missing', 'fake camera unplugged').message });
    });
  }

  replug(): void {
    this.plugged = true;
    setImmediate(() => {
      if (this.plugged) this.report({ state: 'ready' });
    });
  }

  async check(): Promise<CameraHealth> {
    await new Promise((resolve) => setImmediate(resolve));
    this.report(this.plugged ? { state: 'ready' } : { state: 'absent', why: new CameraError('device_missing', 'fake camera unplugged').message });
    return this.current;
  }

  capture(): Promise<CapturedImage> {
    return this.queue.run(async () => {
      await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      if (!this.plugged) {
        const err = new CameraError('device_missing', 'fake camera unplugged');
        this.report(err.health);
        throw err;
      }
      const bytes = this.shown ?? (await this.nextFromFolder()) ?? this.blankFrame();
      const size = imageSizeOf(bytes)!;
      this.captures += 1;
      this.report({ state: 'ready' });
      return { bytes, format: size.format, width: size.width, height: size.height };
    });
  }

  /** The photo as JPEG, whatever the shown image's format, as the real camera delivers it. */
  async takePhoto(): Promise<Uint8Array> {
    const frame = await this.capture();
    if (frame.format === 'jpeg') return frame.bytes;
    return jpeg.encode(decodeImage(frame.bytes), 90).data;
  }

  private async nextFromFolder(): Promise<Uint8Array | undefined> {
    if (this.folder === undefined) return undefined;
    const files = (await readdir(this.folder)).filter((f) => IMAGE_FILE.test(f)).sort();
    if (files.length === 0) return undefined;
    const file = files[this.turn++ % files.length]!;
    const bytes = await readFile(join(this.folder, file));
    if (imageSizeOf(bytes) === null) throw new CameraError('no_image', `${file} in the fake camera's folder is not a PNG or JPEG`);
    return bytes;
  }

  /** What a camera sees with nothing held up to it: an even grey 640 × 480 frame. */
  private blankFrame(): Uint8Array {
    if (!this.blank) {
      const data = new Uint8Array(640 * 480 * 4).fill(200);
      this.blank = jpeg.encode({ width: 640, height: 480, data }, 90).data;
    }
    return this.blank;
  }

  private report(next: CameraHealth): void {
    const prev = this.current;
    if (prev.state === next.state && ('why' in prev ? prev.why : '') === ('why' in next ? next.why : '')) return;
    this.current = next;
    this.emit('health', next);
  }
}
