// Shared set-up for browser-mode tests: a throw-away renderer folder beside a secret file (for
// traversal attempts), raw HTTP requests (fetch would normalise `..` away) and WebSocket clients.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import type { ServerMessage } from '../../../main/api/contract.js';

export interface RendererFixture {
  readonly base: string;
  readonly root: string;
  remove(): void;
}

export function makeRendererDir(): RendererFixture {
  const base = mkdtempSync(join(tmpdir(), 'verikiosk-web-'));
  const root = join(base, 'renderer');
  mkdirSync(join(root, 'assets', 'fonts'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>kiosk</title><script src="assets/app.js"></script>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log("screen");');
  writeFileSync(join(root, 'assets', 'app.css'), 'body{}');
  writeFileSync(join(root, 'assets', 'fonts', 'a.woff2'), 'w');
  writeFileSync(join(base, 'secret.txt'), 'SECRET-OUTSIDE-ROOT');
  symlinkSync(join(base, 'secret.txt'), join(root, 'assets', 'escape.txt'));
  return { base, root, remove: () => rmSync(base, { recursive: true, force: true }) };
}

export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** One HTTP request with the path sent byte for byte as given. */
export function raw(port: number, path: string, options: { method?: string; host?: string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: { host: options.host ?? `127.0.0.1:${port}` } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

export type Handshake = { opened: ScreenClient } | { refused: number };

/** Tries a WebSocket handshake; resolves with the open client or the HTTP status that refused it. */
export function connect(url: string, origin: string | undefined): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin === undefined ? {} : { headers: { Origin: origin } });
    // Listening from the start: the server's first message can arrive in the same read as the 101.
    const client = new ScreenClient(ws);
    ws.once('open', () => resolve({ opened: client }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ refused: res.statusCode ?? 0 });
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

/** An open client that queues what the server says, so a test can await the next message. */
export class ScreenClient {
  private readonly queue: ServerMessage[] = [];
  private waiting: ((m: ServerMessage) => void) | undefined;
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as ServerMessage;
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = undefined;
        w(message);
      } else this.queue.push(message);
    });
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
  }

  next(): Promise<ServerMessage> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => (this.waiting = resolve));
  }

  send(value: unknown): void {
    this.ws.send(typeof value === 'string' ? value : JSON.stringify(value));
  }
}
