// The QR decoding worker thread: image bytes in, text out, so PNG/JPEG decoding and the QR
// passes never block the kiosk's main thread. QrImageDecoder (decode.ts) starts and feeds it.
import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { ImageError, decodeImage } from './image.js';
import { loadZxingCpp, readQr } from './qr-read.js';
import type { WorkerReply, WorkerJob } from './decode.js';

const port = parentPort;
if (!port) throw new Error('decode-worker.ts runs only as a worker thread started by QrImageDecoder');

// The decoder has no business on the network; zxing-wasm in particular would fetch its .wasm
// from a CDN if it were ever asked before loadZxingCpp. Make any such attempt fail at once.
globalThis.fetch = () => Promise.reject(new Error('the QR decoder is offline by design: fetch is disabled in its worker'));

const ready = loadZxingCpp();
ready.then(
  () => port.postMessage({ type: 'ready' } satisfies WorkerReply),
  (err: unknown) => port.postMessage({ type: 'failed', message: (err as Error).message } satisfies WorkerReply),
);

// QrImageDecoder sends one job at a time and waits for its reply, so jobs never interleave.
port.on('message', async (job: WorkerJob) => {
  let reply: WorkerReply;
  try {
    await ready;
    const t0 = performance.now();
    const image = decodeImage(job.bytes, job.maxPixels);
    const read = await readQr(image);
    reply = { type: 'result', id: job.id, text: read.text, ms: performance.now() - t0, ...(read.engine ? { engine: read.engine } : {}) };
  } catch (err) {
    reply =
      err instanceof ImageError
        ? { type: 'error', id: job.id, code: err.code, ...(err.detail ? { detail: err.detail } : {}), message: err.message }
        : { type: 'error', id: job.id, message: (err as Error).message };
  }
  port.postMessage(reply);
});
