// Browser mode: the renderer's files and the kiosk's API (the contract's messages over a
// WebSocket at /ws) on 127.0.0.1 only, the socket guarded by a token made fresh at each start.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { Command } from '../api/contract.js';
import type { ClientMessage, KioskState, OperatorStatus, ServerMessage } from '../api/contract.js';
import { SCREEN_HEADERS } from '../api/csp.js';
import type { KioskService } from '../kiosk/index.js';
import { findRendererFile } from './files.js';
import { encodeServerMessage, parseClientMessage } from './messages.js';

/** What browser mode needs of the kiosk. */
export type ScreenService = Pick<KioskService, 'state' | 'handle' | 'on'>;

/** pino-shaped; only codes and counts are logged here, never a command's content. */
export interface WebLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface WebServerOptions {
  readonly service: ScreenService;
  /** The built renderer: dist/renderer (index.html and its assets). */
  readonly rendererDir: string;
  /** Loopback only; any other value is refused. */
  readonly host?: '127.0.0.1';
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Largest WebSocket message accepted; a bigger one closes the connection (1009). */
  readonly maxMessageBytes?: number;
  readonly maxClients?: number;
  readonly logger?: WebLogger;
}

export interface WebServer {
  /** The screen's address, token included: `http://127.0.0.1:PORT/?token=…`. */
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  close(): Promise<void>;
}

const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024;
const DEFAULT_MAX_CLIENTS = 4;
// A screen awaits each answer; a client with this many unanswered requests is misbehaving.
const MAX_IN_FLIGHT = 8;
// A client that stops reading is cut off rather than buffered for without bound.
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
const HEARTBEAT_MS = 30_000;

const SILENT = { info: () => {}, warn: () => {} } satisfies WebLogger;

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') throw new Error(`startWebServer: host must be 127.0.0.1 (got ${String(host)}); browser mode never listens beyond loopback`);
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`startWebServer: port must be an integer 0..65535 (got ${port})`);
  const maxPayload = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const maxClients = options.maxClients ?? DEFAULT_MAX_CLIENTS;
  if (!Number.isInteger(maxPayload) || maxPayload < 1024) throw new Error(`startWebServer: maxMessageBytes must be an integer ≥ 1024 (got ${maxPayload})`);
  if (!Number.isInteger(maxClients) || maxClients < 1) throw new Error(`startWebServer: maxClients must be a positive integer (got ${maxClients})`);
  const { service, rendererDir } = options;
  const log = options.logger ?? SILENT;

  const token = randomBytes(32).toString('base64url');
  const tokenDigest = sha256(token);
  const tokenMatches = (candidate: string) => timingSafeEqual(sha256(candidate), tokenDigest);

  let ownHost = '';
  let ownOrigin = '';
  const clients = new Set<WebSocket>();
  const alive = new WeakSet<WebSocket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload, perMessageDeflate: false });

  const server = createServer((req, res) => {
    serveFile(req, res).catch(() => {
      if (!res.headersSent) reply(res, 500);
      else res.destroy();
    });
  });
  server.on('clientError', (_err, socket) => socket.destroy());

  async function serveFile(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // A Host other than our own means DNS rebinding or a confused proxy: answer nothing.
    if (req.headers.host !== ownHost) return reply(res, 421);
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, { Allow: 'GET, HEAD' });
    const path = pathOf(req.url);
    if (path === undefined) return reply(res, 400);
    if (path === '/ws') return reply(res, 426, { Upgrade: 'websocket' });
    const file = await findRendererFile(rendererDir, path);
    if (!file) return reply(res, 404);
    const isIndex = file.type.startsWith('text/html');
    res.writeHead(200, {
      ...screenHeaders(),
      'Content-Type': file.type,
      'Content-Length': file.size,
      // index.html carries no token but decides which assets load: never reuse a stale one.
      'Cache-Control': isIndex ? 'no-store' : 'no-cache',
    });
    if (req.method === 'HEAD') return void res.end();
    await pipeline(createReadStream(file.path), res);
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const [path, query = ''] = (req.url ?? '').split('?', 2);
    if (path !== '/ws') return refuse(socket, 404);
    if (req.headers.host !== ownHost) return refuse(socket, 421);
    const presented = new URLSearchParams(query).get('token');
    if (presented === null || !tokenMatches(presented)) {
      log.warn({ event: 'ws_refused', why: 'token' }, 'browser mode: WebSocket without the right token refused');
      return refuse(socket, 401);
    }
    // Browsers always send Origin on a WebSocket handshake; another page's origin is refused.
    if (req.headers.origin !== ownOrigin) {
      log.warn({ event: 'ws_refused', why: 'origin' }, 'browser mode: WebSocket from a foreign origin refused');
      return refuse(socket, 403);
    }
    if (clients.size >= maxClients) return refuse(socket, 503);
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws));
  });

  function attach(ws: WebSocket): void {
    clients.add(ws);
    alive.add(ws);
    let inFlight = 0;
    ws.on('pong', () => alive.add(ws));
    // ws closes the connection itself on a bad frame, bad UTF-8 or an oversized message.
    ws.on('error', (err: Error & { code?: string }) => {
      log.warn({ event: 'ws_error', code: err.code ?? 'unknown' }, 'browser mode: WebSocket client error');
    });
    ws.on('close', () => clients.delete(ws));
    ws.on('message', (data, isBinary) => {
      if (isBinary) return ws.close(1003, 'text frames only');
      const message = parseClientMessage(String(data));
      if (!message) {
        log.warn({ event: 'ws_garbage' }, 'browser mode: malformed message, connection closed');
        return ws.close(1008, 'malformed message');
      }
      if (inFlight >= MAX_IN_FLIGHT) return ws.close(1008, 'too many requests in flight');
      inFlight++;
      answer(message)
        .then((out) => send(ws, out))
        .finally(() => inFlight--);
    });
    send(ws, { kind: 'state', state: service.state() });
  }

  async function answer(message: ClientMessage): Promise<ServerMessage> {
    if (message.kind === 'getState') return { kind: 'state', id: message.id, state: service.state() };
    const command = Command.safeParse(message.command);
    if (!command.success) return { kind: 'result', id: message.id, result: { ok: false, error: 'invalid_command' } };
    try {
      return { kind: 'result', id: message.id, result: await service.handle(command.data) };
    } catch (err) {
      log.warn({ event: 'command_failed', type: command.data.type, error: errorName(err) }, 'browser mode: command failed');
      return { kind: 'result', id: message.id, result: { ok: false, error: 'failed' } };
    }
  }

  function send(ws: WebSocket, message: ServerMessage): void {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) return void ws.terminate();
    ws.send(encodeServerMessage(message));
  }

  const onState = (state: KioskState) => {
    for (const ws of clients) send(ws, { kind: 'state', state });
  };
  const onOperator = (status: OperatorStatus) => {
    for (const ws of clients) send(ws, { kind: 'operator', status });
  };
  const unsubscribe = [service.on('state', onState), service.on('operator', onOperator)];
  const stopListening = () => {
    for (const off of unsubscribe.splice(0)) off();
  };

  // A screen whose machine slept or whose tab crashed leaves a half-open socket; pings find it.
  const heartbeat = setInterval(() => {
    for (const ws of clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port, exclusive: true }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    clearInterval(heartbeat);
    stopListening();
    throw err;
  }
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('startWebServer: no TCP address after listen');
  ownHost = `${host}:${address.port}`;
  ownOrigin = `http://${ownHost}`;
  log.info({ event: 'web_listening', port: address.port }, 'browser mode: listening on loopback');

  let closing: Promise<void> | undefined;
  return {
    url: `${ownOrigin}/?token=${token}`,
    origin: ownOrigin,
    port: address.port,
    close: () =>
      (closing ??= (async () => {
        clearInterval(heartbeat);
        stopListening();
        const closed = [...clients].map((ws) => new Promise<void>((resolve) => {
          ws.once('close', () => resolve());
          ws.close(1001, 'kiosk stopping');
          setTimeout(() => ws.terminate(), 1000).unref();
        }));
        await Promise.all(closed);
        wss.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })()),
  };
}

function screenHeaders(): OutgoingHttpHeaders {
  return { ...SCREEN_HEADERS, 'X-Frame-Options': 'DENY' };
}

function reply(res: ServerResponse, status: number, extra: OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { ...screenHeaders(), ...extra, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`${status}\n`);
}

/** Answers a refused upgrade with a plain HTTP status and hangs up. */
function refuse(socket: Duplex, status: number): void {
  const reason = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 421: 'Misdirected Request', 503: 'Service Unavailable' }[status] ?? 'Refused';
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** The path of a request target in origin form; `//host/x` and absolute URLs are not ours. */
function pathOf(target: string | undefined): string | undefined {
  if (!target?.startsWith('/') || target.startsWith('//')) return undefined;
  const end = target.search(/[?#]/);
  return end < 0 ? target : target.slice(0, end);
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

function errorName(err: unknown): string {
  if (err instanceof Error) return (err as Error & { code?: string }).code ?? err.name;
  return typeof err;
}
