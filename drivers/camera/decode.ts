// QrImageDecoder: the main thread's door to QR decoding. Images go to one worker thread
// (decode-worker.ts) one at a time; a crashed worker is replaced on the next decode.
import { readFile } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { ImageError, MAX_PIXELS, type ImageErrorCode } from './image.js';

export interface QrDecodeResult {
  /** The code's text exactly as encoded, or null when the image holds no readable code. */
  readonly text: string | null;
  /** Milliseconds the worker spent on this image: pixel decoding plus QR reading. */
  readonly ms: number;
  /** Which pass read the code (see KIOSK_QR_PASSES); absent when none did. */
  readonly engine?: string;
}

export type QrDecoderErrorCode = 'decoder_closed' | 'decoder_failed';

/** The decoder itself failed (not the image): it was closed, or its worker could not run. */
export class QrDecoderError extends Error {
  override readonly name = 'QrDecoderError';
  readonly code: QrDecoderErrorCode;

  constructor(code: QrDecoderErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export interface QrImageDecoderOptions {
  /** Largest image accepted, in pixels; default MAX_PIXELS (24 MP). */
  maxPixels?: number;
}

/** A message to the worker. */
export interface WorkerJob {
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly maxPixels: number;
}

/** A message from the worker. */
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'result'; id: number; text: string | null; ms: number; engine?: string }
  | { type: 'error'; id: number; code?: ImageErrorCode; detail?: string; message: string };

interface Pending {
  readonly id: number;
  resolve(result: QrDecodeResult): void;
  reject(err: Error): void;
}

/**
 * Decodes QR codes from PNG/JPEG images off the main thread. `decode` calls may overlap: they
 * queue and are answered in order. Rejects with ImageError when the input is not a usable
 * image (unreadable file, not PNG/JPEG, too large, corrupt) and QrDecoderError when the
 * decoder cannot run. The decoded text is personal data: this class never logs it.
 */
export class QrImageDecoder {
  private readonly maxPixels: number;
  private worker: Worker | undefined;
  private started: Promise<void> | undefined;
  private pending: Pending | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private closed = false;

  constructor(options: QrImageDecoderOptions = {}) {
    const { maxPixels = MAX_PIXELS } = options;
    if (!Number.isInteger(maxPixels) || maxPixels < 1) throw new TypeError(`QrImageDecoder: option "maxPixels" must be a whole number ≥ 1 (got ${String(maxPixels)})`);
    this.maxPixels = maxPixels;
  }

  /** Starts the worker and loads the decoders now rather than on the first image. */
  ready(): Promise<void> {
    if (this.closed) return Promise.reject(new QrDecoderError('decoder_closed', 'QrImageDecoder: closed'));
    return this.start();
  }

  /** Decodes one image given as bytes or as a file path. */
  decode(image: Uint8Array | string): Promise<QrDecodeResult> {
    if (this.closed) return Promise.reject(new QrDecoderError('decoder_closed', 'QrImageDecoder: closed'));
    if (typeof image !== 'string' && !(image instanceof Uint8Array)) {
      return Promise.reject(new TypeError('QrImageDecoder.decode: pass the image bytes (Uint8Array) or a file path'));
    }
    // Bytes are copied now (the caller may reuse its buffer); a file is read when its turn
    // comes, so a long queue of paths does not hold every image in memory at once.
    const copy = typeof image === 'string' ? undefined : new Uint8Array(image); // (Buffer#slice would share memory)
    const turn = this.queue.then(async () => this.run(copy ?? (await readImageFile(image as string))));
    this.queue = turn.catch(() => {});
    return turn;
  }

  /** Stops the worker; queued and later decodes reject with code decoder_closed. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    this.started = undefined;
    this.pending?.reject(new QrDecoderError('decoder_closed', 'QrImageDecoder: closed while decoding'));
    this.pending = undefined;
    if (worker) await worker.terminate();
  }

  private async run(bytes: Uint8Array): Promise<QrDecodeResult> {
    if (this.closed) throw new QrDecoderError('decoder_closed', 'QrImageDecoder: closed');
    await this.start();
    const worker = this.worker!;
    const id = this.nextId++;
    return new Promise<QrDecodeResult>((resolve, reject) => {
      this.pending = { id, resolve, reject };
      worker.ref(); // an image in flight keeps the process alive; an idle decoder does not
      // The bytes are ours (a copy or a fresh read): hand the memory over instead of cloning it.
      const transfer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? [bytes.buffer as ArrayBuffer] : [];
      worker.postMessage({ id, bytes, maxPixels: this.maxPixels } satisfies WorkerJob, transfer);
    }).finally(() => {
      this.pending = undefined;
      this.worker?.unref();
    });
  }

  private start(): Promise<void> {
    if (this.started) return this.started;
    const worker = spawnDecodeWorker();
    this.worker = worker;
    this.started = new Promise<void>((resolve, reject) => {
      worker.on('message', (reply: WorkerReply) => {
        if (reply.type === 'ready') {
          if (!this.pending) worker.unref(); // idle from here on: do not hold the process open
          resolve();
        } else if (reply.type === 'failed') {
          const err = new QrDecoderError('decoder_failed', `QR decoder could not start: ${reply.message}`);
          reject(err);
          this.discard(worker, err);
        } else this.settle(reply);
      });
      worker.on('error', (cause) => {
        const err = new QrDecoderError('decoder_failed', `QR decoder worker failed: ${cause.message}`, { cause });
        reject(err);
        this.discard(worker, err);
      });
      worker.on('exit', (code) => {
        const err = new QrDecoderError('decoder_failed', `QR decoder worker exited (code ${code})`);
        reject(err);
        this.discard(worker, err);
      });
    });
    this.started.catch(() => {}); // reported to whoever awaits it
    return this.started;
  }

  private settle(reply: Extract<WorkerReply, { type: 'result' | 'error' }>): void {
    const pending = this.pending;
    if (!pending || pending.id !== reply.id) return;
    if (reply.type === 'result') {
      pending.resolve({ text: reply.text, ms: reply.ms, ...(reply.engine ? { engine: reply.engine } : {}) });
    } else {
      pending.reject(reply.code ? new ImageError(reply.code, reply.detail) : new QrDecoderError('decoder_failed', reply.message));
    }
  }

  /** Forgets a dead worker; the next decode starts a fresh one. */
  private discard(worker: Worker, err: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.started = undefined;
    this.pending?.reject(err);
    this.pending = undefined;
    void worker.terminate();
  }
}

async function readImageFile(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : 'cannot be read';
    throw new ImageError('unreadable_file', `${path}: ${why}`, { cause: err });
  }
}

function spawnDecodeWorker(): Worker {
  const self = import.meta.url;
  if (self.endsWith('.ts')) {
    // Running from source (tsx, vitest): a worker thread cannot load TypeScript by itself,
    // so it boots through tsx. The built kiosk (dist/) takes the plain .js path below.
    const target = new URL('./decode-worker.ts', self).href;
    const tsx = import.meta.resolve('tsx/esm/api');
    return new Worker(`import(${JSON.stringify(tsx)}).then((api) => api.tsImport(${JSON.stringify(target)}, ${JSON.stringify(self)}))`, { eval: true });
  }
  return new Worker(new URL('./decode-worker.js', self));
}
