// The reference bureau as a library: startBureau() opens its database and keys, listens on
// HTTP(S) and answers the API of API.md, with the misbehaviour switches and admin endpoints
// the tests and the demo drive. main.ts is the command around it.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import pino, { type Logger } from 'pino';
import type { ZodType } from 'zod';
import { buildDemoFixtures, type DemoManifest } from '../issuer/index.js';
import { AuditIntake, type AuditStanding } from './audit-intake.js';
import { openBureauDatabase, type BureauDatabase, type RecordRow, type RegistrationRow } from './db.js';
import { enrol } from './enrolment.js';
import { FaultSwitches, type FaultDraw, type Faults } from './faults.js';
import { loadBureauKeys, rotateAnchor, type BureauKeys } from './keys.js';
import { Publications, type StatusListChange, type TrustListChange } from './publications.js';
import {
  BureauError,
  EnrolmentCodesSchema,
  FaultsSchema,
  MAX_BODY_BYTES,
  StatusListChangeSchema,
  TrustListChangeSchema,
  b64,
  issuesOf,
  toB64,
  type FaultSettings,
} from './wire.js';

export interface BureauOptions {
  /** 0 (the default): any free port; `url` tells which. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Holds bureau.db and keys/ (created when missing). */
  readonly dataDir: string;
  /** On first start: demo fixtures (anchor, issuer keys, TL1, SL1, sample codes) and ten enrolment codes. */
  readonly demo?: boolean;
  /** Bearer token for /admin/*; without one the admin endpoints answer 401. */
  readonly adminToken?: string;
  /** PEM certificate and key: serve HTTPS instead of HTTP. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  /** Default: silent. Use bureauLogger() for one that redacts personal data paths. */
  readonly logger?: Logger;
  /** The bureau's clock (time answers, list iat), ms since the epoch. Default Date.now. */
  readonly nowMs?: () => number;
  /** How many seqs back an SL1 delta is still served. Default 64. */
  readonly deltaWindow?: number;
}

export interface DemoSetup {
  readonly manifest: DemoManifest;
  /** Codes not used yet (the demo makes ten on first start; see also enrolment-codes.txt). */
  readonly enrolmentCodes: readonly string[];
}

export interface Bureau {
  /** e.g. http://127.0.0.1:40123 (no trailing slash). */
  readonly url: string;
  readonly dataDir: string;
  /** Raw X25519 key kiosks seal guest registrations to (also the `sealKey` of enrolment). */
  readonly sealPublicKey: Uint8Array;
  /** Every anchor public key, current first (keys/anchors.pem): what a kiosk installs. */
  anchorsPem(): string;
  readonly demo: DemoSetup | undefined;
  /** Replaces the misbehaviour switches (fields left out are off) and returns them; no argument reads them. */
  faults(settings?: FaultSettings): Faults;
  /** Closes every connection and reopens the database; state survives. */
  restart(): Promise<void>;
  publishTrustList(change?: TrustListChange): number;
  publishStatusList(change?: StatusListChange): number;
  /** A new anchor signs lists and time from now on; returns its kid and the PEM of all anchors. */
  rotateAnchor(): { kid: string; anchorsPem: string };
  addEnrolmentCodes(codes: readonly string[]): number;
  unusedEnrolmentCodes(): string[];
  audit(deviceId: string): AuditStanding;
  records(deviceId: string, fromSeq?: number, toSeq?: number): RecordRow[];
  /** Opened guest registrations (personal data: for tests and the bureau's own use, never logged). */
  registrations(deviceId: string): RegistrationRow[];
  devices(): { deviceId: string; highWater: number; records: number }[];
  close(): Promise<void>;
}

/** A pino logger for the bureau: JSON lines to `destination`, personal-data paths redacted should any ever be passed. */
export function bureauLogger(destination: pino.DestinationStream = pino.destination(2), level = 'info'): Logger {
  return pino(
    {
      name: 'bureau',
      level,
      redact: {
        paths: ['registration', '*.registration', 'body', '*.body', 'records', '*.records', 'documentNumber', '*.documentNumber', 'address', '*.address', 'birthDate', '*.birthDate'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

interface Answer {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | string;
  /** Fields for the request's log line: ids, seqs, codes and counts only. */
  readonly note?: Readonly<Record<string, unknown>>;
}

interface Incoming {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

/** The request's connection closed before its body arrived. */
class ClientGone extends Error {
  override readonly name = 'ClientGone';
}

/** An unexpected error for the log: its type and message (bureau code paths never put personal data in messages). */
function errorFields(err: unknown): { type: string; message: string } {
  return err instanceof Error ? { type: err.name, message: err.message } : { type: typeof err, message: String(err) };
}

const json = (status: number, value: unknown, note?: Answer['note']): Answer => ({
  status,
  headers: JSON_HEADERS,
  body: JSON.stringify(value),
  ...(note ? { note } : {}),
});

const refusal = (err: BureauError, note?: Answer['note']): Answer =>
  json(err.status, { error: err.code, message: err.message, ...err.extra }, { ...note, error: err.code });

const cose = (bytes: Uint8Array, headers: Record<string, string> = {}): Answer => ({
  status: 200,
  headers: { 'content-type': 'application/cose', ...headers },
  body: bytes,
});

/** True when an If-None-Match header names `etag` (or is `*`). */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim().replace(/^W\//, '');
    return t === '*' || t === etag;
  });
}

function parseJson(body: Buffer, code: 'malformed_request' | 'malformed_batch'): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new BureauError(code, 'the body is not JSON');
  }
}

export async function startBureau(options: BureauOptions): Promise<Bureau> {
  const dataDir = options.dataDir;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const dbPath = join(dataDir, 'bureau.db');
  const log = (options.logger ?? pino({ level: 'silent' })).child({ component: 'bureau' });
  const nowMs = options.nowMs ?? Date.now;

  let db: BureauDatabase = openBureauDatabase(dbPath);
  const firstStart = !db.latestTrustList() && !db.latestStatusList();
  let manifest: DemoManifest | undefined;
  if (options.demo && firstStart) {
    // Before the keys load: the demo's anchor (keys/anchor.key) becomes the bureau's anchor.
    manifest = await buildDemoFixtures(dataDir, { reuseKeys: true, now: Math.floor(nowMs() / 1000) });
  } else if (options.demo && existsSync(join(dataDir, 'manifest.json'))) {
    manifest = JSON.parse(readFileSync(join(dataDir, 'manifest.json'), 'utf8')) as DemoManifest;
  }
  let keys: BureauKeys = await loadBureauKeys(dataDir);

  const publications = new Publications(
    () => ({ db, anchor: keys.anchor, anchorsPem: keys.anchorsPem, nowMs }),
    options.deltaWindow,
  );
  const intake = new AuditIntake(() => ({ db, sealPrivateKey: keys.sealPrivateKey, nowMs }));
  const faults = new FaultSwitches();

  if (manifest && firstStart) {
    publications.importTrustList(new Uint8Array(readFileSync(join(dataDir, manifest.trustList))));
    publications.importStatusList(new Uint8Array(readFileSync(join(dataDir, manifest.statusList))));
    const codes = Array.from({ length: 10 }, () => `DEMO-${randomBytes(4).toString('hex').toUpperCase()}`);
    db.addEnrolmentCodes(codes, nowMs());
    writeFileSync(join(dataDir, 'enrolment-codes.txt'), `${codes.join('\n')}\n`);
    log.info({ event: 'demo_created', codes: codes.length }, 'demo fixtures, lists and enrolment codes created');
  }

  const adminDigest = options.adminToken ? createHash('sha256').update(options.adminToken).digest() : undefined;
  const authorised = (headers: IncomingMessage['headers']): boolean => {
    const match = /^Bearer (.+)$/.exec(headers.authorization ?? '');
    if (!adminDigest || !match?.[1]) return false;
    return timingSafeEqual(createHash('sha256').update(match[1]).digest(), adminDigest);
  };

  const route = async (req: Incoming, self: Socket): Promise<Answer> => {
    const { method, path } = req;
    const allow = (...methods: string[]): void => {
      if (!methods.includes(method)) throw new BureauError('method_not_allowed', `${path} takes ${methods.join(', ')}`);
    };
    if (path === '/v1/time') {
      allow('GET');
      const nonce = req.query.get('nonce') ?? '';
      if (!/^[0-9a-fA-F]{32}$/.test(nonce)) throw new BureauError('bad_nonce', 'nonce must be 32 hex characters (16 bytes)');
      return { ...cose(publications.signedTime(new Uint8Array(Buffer.from(nonce, 'hex'))), { 'cache-control': 'no-store' }), note: { route: 'time' } };
    }
    if (path === '/v1/lists/TL1') {
      allow('GET');
      const list = publications.trustList();
      const etag = `"tl1-${list.seq}"`;
      const headers = { etag, 'cache-control': 'no-cache' };
      if (matchesEtag(req.headers['if-none-match'], etag)) return { status: 304, headers, note: { route: 'tl1', seq: list.seq } };
      return { ...cose(list.bytes, headers), note: { route: 'tl1', seq: list.seq } };
    }
    if (path === '/v1/lists/SL1') {
      allow('GET');
      const haveText = req.query.get('have');
      if (haveText !== null && !/^\d{1,15}$/.test(haveText)) throw new BureauError('malformed_request', 'have must be a seq (a non-negative integer)');
      const have = haveText === null ? undefined : Number(haveText);
      let answer = publications.statusListFor(have);
      const etag = `"sl1-${answer.seq}"`;
      if (answer.variant !== 'current' && matchesEtag(req.headers['if-none-match'], etag)) answer = { variant: 'current', seq: answer.seq };
      const headers = { etag, 'cache-control': 'no-cache' };
      const note = { route: 'sl1', have, seq: answer.seq, variant: answer.variant };
      if (answer.variant === 'current') return { status: 304, headers, note };
      return { ...cose(answer.bytes, { ...headers, 'x-list-variant': answer.variant }), note };
    }
    if (path === '/v1/devices') {
      allow('POST');
      const enrolment = enrol(db, parseJson(req.body, 'malformed_request'), nowMs());
      return json(
        201,
        { deviceId: enrolment.deviceId, sealKey: toB64(keys.sealPublicKey), highWater: enrolment.highWater },
        { route: 'enrol', deviceId: enrolment.deviceId, created: enrolment.created },
      );
    }
    const audit = /^\/v1\/devices\/([^/]+)\/audit$/.exec(path);
    if (audit?.[1]) {
      allow('GET', 'POST');
      const deviceId = decodeURIComponent(audit[1]);
      if (method === 'GET') return json(200, intake.standing(deviceId), { route: 'audit_standing', deviceId });
      const batch = parseJson(req.body, 'malformed_batch');
      const seqs = batch && typeof batch === 'object' ? (batch as { firstSeq?: unknown; lastSeq?: unknown }) : {};
      const note = { route: 'audit', deviceId, firstSeq: seqs.firstSeq, lastSeq: seqs.lastSeq };
      try {
        const outcome = await intake.receive(deviceId, batch);
        return json(200, { highWater: outcome.highWater }, { ...note, ...outcome });
      } catch (err) {
        if (err instanceof BureauError) return refusal(err, note);
        throw err;
      }
    }
    if (path.startsWith('/admin/')) {
      if (!authorised(req.headers)) {
        throw new BureauError('unauthorized', adminDigest ? 'a valid admin bearer token is needed' : 'admin endpoints are off: start the bureau with an admin token');
      }
      return admin(req, self);
    }
    throw new BureauError('not_found', `no such endpoint: ${path}`);
  };

  const parse = <T>(schema: ZodType<T>, body: Buffer): T => {
    const parsed = schema.safeParse(parseJson(body, 'malformed_request'));
    if (!parsed.success) throw new BureauError('malformed_request', issuesOf(parsed.error));
    return parsed.data;
  };

  const admin = async (req: Incoming, self: Socket): Promise<Answer> => {
    const { method, path } = req;
    const allow = (...methods: string[]): void => {
      if (!methods.includes(method)) throw new BureauError('method_not_allowed', `${path} takes ${methods.join(', ')}`);
    };
    switch (path) {
      case '/admin/faults': {
        allow('GET', 'POST');
        if (method === 'GET') return json(200, faults.current);
        const set = faults.set(parse(FaultsSchema, req.body));
        log.info({ event: 'faults', ...set }, 'misbehaviour switches set');
        return json(200, set, { route: 'admin_faults' });
      }
      case '/admin/restart':
        allow('POST');
        await restart(self);
        return { ...json(200, { restarted: true }, { route: 'admin_restart' }), headers: { ...JSON_HEADERS, connection: 'close' } };
      case '/admin/enrolment-codes': {
        allow('GET', 'POST');
        if (method === 'GET') return json(200, { codes: db.unusedEnrolmentCodes() });
        const { codes } = parse(EnrolmentCodesSchema, req.body);
        const added = db.addEnrolmentCodes(codes, nowMs());
        return json(200, { added }, { route: 'admin_codes', added });
      }
      case '/admin/status-list': {
        allow('POST');
        const change = parse(StatusListChangeSchema, req.body);
        const seq = publications.publishStatusList(change);
        // Counts only: the documents listed are never logged.
        return json(201, { seq }, { route: 'admin_sl1', seq, revoked: change.revoke?.length ?? 0, reinstated: change.reinstate?.length ?? 0 });
      }
      case '/admin/trust-list': {
        allow('POST');
        const change = parse(TrustListChangeSchema, req.body);
        const seq = publications.publishTrustList({
          ...(change.nuSeconds !== undefined ? { nuSeconds: change.nuSeconds } : {}),
          ...(change.keys
            ? {
                keys: change.keys.map(({ spki, x5c, ...rest }) => ({
                  ...rest,
                  ...(spki ? { spki: b64(spki) } : {}),
                  ...(x5c ? { x5c: b64(x5c) } : {}),
                })),
              }
            : {}),
        });
        return json(201, { seq }, { route: 'admin_tl1', seq });
      }
      case '/admin/anchor/rotate':
        allow('POST');
        return json(201, bureau.rotateAnchor(), { route: 'admin_anchor' });
      case '/admin/devices':
        allow('GET');
        return json(200, { devices: bureau.devices() }, { route: 'admin_devices' });
      default:
        throw new BureauError('not_found', `no such endpoint: ${path}`);
    }
  };

  // Connections, tracked so a restart can close them all (but the one that asked for it).
  const sockets = new Set<Socket>();
  const inflight = new Set<Promise<unknown>>();
  let restarting: Promise<void> | undefined;

  const restart = (keep?: Socket): Promise<void> => {
    restarting ??= (async () => {
      for (const socket of sockets) if (socket !== keep) socket.destroy();
      // Requests already inside run to their end (their answers are lost with their sockets).
      while (inflight.size > 0) await Promise.allSettled([...inflight]);
      await intake.idle();
      db.close();
      db = openBureauDatabase(dbPath);
      log.info({ event: 'restart' }, 'connections closed, database reopened');
    })().finally(() => {
      restarting = undefined;
    });
    return restarting;
  };

  const readBody = (req: IncomingMessage): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          reject(new BureauError('too_large', `a request body is at most ${MAX_BODY_BYTES} bytes`));
          req.removeAllListeners('data');
          req.resume();
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('error', () => reject(new ClientGone()));
      req.on('close', () => {
        if (!req.complete) reject(new ClientGone());
      });
    });

  const send = (res: ServerResponse, answer: Answer): void => {
    if (res.destroyed || res.writableEnded) return;
    const body =
      answer.body === undefined
        ? undefined
        : typeof answer.body === 'string'
          ? Buffer.from(answer.body, 'utf8')
          : Buffer.from(answer.body.buffer, answer.body.byteOffset, answer.body.byteLength);
    res.writeHead(answer.status, { ...answer.headers, ...(body ? { 'content-length': String(body.length) } : {}) });
    res.end(body);
  };

  /** Reads the body and routes it (twice when the fault says so); every failure becomes an answer. */
  const answer = async (req: IncomingMessage, url: URL, fate: FaultDraw | undefined): Promise<Answer> => {
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (err) {
      if (err instanceof BureauError) return { ...refusal(err), headers: { ...JSON_HEADERS, connection: 'close' } };
      throw err;
    }
    if (fate?.error) return refusal(new BureauError('unavailable', 'the bureau is unavailable (fault)'), { fault: 'error' });
    const incoming: Incoming = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body };
    const once = async (): Promise<Answer> => {
      try {
        return await route(incoming, req.socket);
      } catch (err) {
        if (err instanceof BureauError) return refusal(err);
        log.error({ path: url.pathname, err: errorFields(err) }, 'request failed');
        return refusal(new BureauError('internal', 'the bureau failed to answer; try again'));
      }
    };
    const first = await once();
    if (!fate?.answerTwice) return first;
    const second = await once();
    return { ...second, note: { ...second.note, fault: 'answer_twice' } };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://bureau');
    const line = { method: req.method, path: url.pathname };
    const isAdmin = url.pathname.startsWith('/admin/');
    // Admin requests never misbehave, and are not waited for by a restart (one may be asking for it).
    const fate = isAdmin ? undefined : faults.draw();
    if (fate?.drop) {
      log.info({ ...line, fault: 'drop' }, 'connection dropped (fault)');
      req.socket.destroy();
      return;
    }
    if (restarting && !isAdmin) await restarting;
    const work = answer(req, url, fate);
    if (!isAdmin) {
      inflight.add(work);
      void work.catch(() => undefined).finally(() => inflight.delete(work));
    }
    const result = await work;
    if (fate?.delayMs) await sleep(fate.delayMs);
    const ms = Math.round((performance.now() - started) * 10) / 10;
    if (fate?.loseAnswer && !fate.error) {
      log.info({ ...line, ...result.note, status: result.status, ms, fault: 'lost_answer' }, 'answer lost (fault)');
      req.socket.destroy();
      return;
    }
    log.info({ ...line, ...result.note, status: result.status, ms }, 'answered');
    send(res, result);
  };

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof ClientGone) {
        log.info({ method: req.method, path: req.url?.split('?')[0] }, 'client went away mid-request');
        return;
      }
      log.error({ err: errorFields(err) }, 'request handling failed');
      if (!res.headersSent) send(res, refusal(new BureauError('internal', 'the bureau failed to answer; try again')));
      else res.destroy();
    });
  };
  const server: Server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, listener) : createHttpServer(listener);
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  server.on(options.tls ? 'secureConnection' : 'connection', track);

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    db.close();
    throw err;
  }
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `${options.tls ? 'https' : 'http'}://${host}:${address.port}`;
  log.info({ event: 'listening', url, demo: Boolean(options.demo) }, 'bureau listening');

  let closed: Promise<void> | undefined;
  const bureau: Bureau = {
    url,
    dataDir,
    sealPublicKey: keys.sealPublicKey,
    anchorsPem: () => keys.anchorsPem,
    demo: manifest && { manifest, enrolmentCodes: db.unusedEnrolmentCodes() },
    faults: (settings) => (settings ? faults.set(settings) : faults.current),
    restart: () => restart(),
    publishTrustList: (change) => publications.publishTrustList(change),
    publishStatusList: (change) => publications.publishStatusList(change),
    rotateAnchor() {
      keys = rotateAnchor(dataDir, keys);
      const kid = Buffer.from(keys.anchor.kid).toString('hex');
      log.info({ event: 'anchor_rotated', kid }, 'a new anchor signs from now on');
      return { kid, anchorsPem: keys.anchorsPem };
    },
    addEnrolmentCodes: (codes) => db.addEnrolmentCodes(codes, nowMs()),
    unusedEnrolmentCodes: () => db.unusedEnrolmentCodes(),
    audit: (deviceId) => intake.standing(deviceId),
    records: (deviceId, fromSeq, toSeq) => db.records(deviceId, fromSeq, toSeq),
    registrations: (deviceId) => db.registrations(deviceId),
    devices: () => db.devices().map((d) => ({ ...d, records: db.recordCount(d.deviceId) })),
    close() {
      closed ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const socket of sockets) socket.destroy();
        await stopped;
        while (inflight.size > 0) await Promise.allSettled([...inflight]);
        await intake.idle();
        db.close();
        log.info({ event: 'closed' }, 'bureau closed');
      })();
      return closed;
    },
  };
  return bureau;
}
