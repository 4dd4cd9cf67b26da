// Shared set-up for the bureau tests: a bureau on 127.0.0.1 port 0 in a temporary directory with
// its log lines captured, and a kiosk (the real AuditLog on an in-memory store) that enrols and
// builds audit batches exactly as the wire contract of tools/bureau/API.md describes them.
import { createPrivateKey, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { AuditLog, rootOf, treeHeadBytes, type AuditClock, type AuditEvent, type SignedTreeHead } from '../../../main/audit/index.js';
import { openStore, type Store } from '../../../main/store/index.js';
import { bureauLogger, startBureau, type Bureau, type BureauOptions } from '../../../tools/bureau/index.js';

export const ADMIN_TOKEN = 'test-admin-token';

export interface TestBureau {
  readonly bureau: Bureau;
  readonly dir: string;
  /** Every log line the bureau wrote, raw. */
  logText(): string;
  /** The log lines, parsed. */
  logLines(): Record<string, unknown>[];
  /** Stops the bureau and removes its directory. */
  stop(): Promise<void>;
}

export async function startTestBureau(options: Partial<BureauOptions> = {}): Promise<TestBureau> {
  const dir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'verikiosk-bureau-'));
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  const bureau = await startBureau({
    port: 0,
    host: '127.0.0.1',
    adminToken: ADMIN_TOKEN,
    logger: bureauLogger(sink, 'info'),
    ...options,
    dataDir: dir,
  });
  return {
    bureau,
    dir,
    logText: () => chunks.join(''),
    logLines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    async stop() {
      await bureau.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function testClock(startMs = 1_790_000_000_000): AuditClock {
  let now = startMs;
  let mono = 1_000;
  return { wallMs: () => (now += 1000), trusted: () => true, monotonicUs: () => (mono += 7), bootId: 'bureau-test-boot' };
}

/** A kiosk: its own store and audit log, sealing to the bureau's key. */
export interface TestKiosk {
  readonly store: Store;
  readonly log: AuditLog;
  readonly deviceId: string;
  /** base64 DER SPKI of the device's Ed25519 key, as enrolment sends it. */
  readonly publicKeySpki: string;
  /** Appends `n` plain verification records. */
  appendVerifications(n: number): Promise<void>;
  /** A tree head over the first `size` records, signed with the device key (what the kiosk sends with a batch ending at `size`). */
  headAt(size: number, timestampMs?: number): SignedTreeHead;
  /** The JSON body of a batch `firstSeq..lastSeq` with a head at lastSeq. */
  batch(firstSeq: number, lastSeq: number): AuditBatchBody;
}

export interface AuditBatchBody {
  firstSeq: number;
  lastSeq: number;
  records: { seq: number; body: string; sealed?: { suite: string; enc: string; ciphertext: string } }[];
  treeHead: { size: number; timestampMs: number; root: string; signature: string };
  consistency?: string[];
}

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
export const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

export const verification = (i: number): AuditEvent => ({
  kind: 'verification',
  result: i % 7 === 0 ? 'invalid' : 'valid',
  reasons: i % 7 === 0 ? ['revoked'] : [],
  format: 'eid',
  kid: '0011223344556677',
  trustListSeq: 1,
  statusListSeq: 1,
  source: 'qr',
  document: { type: 'CN-RIC', number: `1101051990030${String(i).padStart(5, '0')}` },
});

export function makeKiosk(sealPublicKey: Uint8Array): TestKiosk {
  const store = openStore(':memory:');
  const log = AuditLog.open(store, { clock: testClock(), bureauPublicKey: sealPublicKey });
  const pkcs8 = store.meta.get('device_key');
  if (!pkcs8) throw new Error('the audit log made no device key');
  const privateKey = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  const headAt = (size: number, timestampMs = 1_790_000_000_000 + size): SignedTreeHead => {
    const head = { size, timestampMs, root: rootOf(store.audit.leafHashes(1, size)) };
    return { ...head, signature: new Uint8Array(sign(null, treeHeadBytes(log.deviceId, head), privateKey)) };
  };
  return {
    store,
    log,
    deviceId: log.deviceId,
    publicKeySpki: b64(Buffer.concat([ED25519_SPKI_PREFIX, log.devicePublicKey])),
    async appendVerifications(n) {
      const from = log.size + 1;
      for (let i = 0; i < n; i++) await log.append(verification(from + i));
    },
    headAt,
    batch(firstSeq, lastSeq) {
      const records = log.records(firstSeq, lastSeq).map(({ seq, body, sealed }) => ({
        seq,
        body: b64(body!),
        ...(sealed ? { sealed: { suite: sealed.suite, enc: b64(sealed.enc), ciphertext: b64(sealed.ciphertext) } } : {}),
      }));
      return { firstSeq, lastSeq, records, treeHead: wireHead(headAt(lastSeq)) };
    },
  };
}

export function wireHead(head: SignedTreeHead): AuditBatchBody['treeHead'] {
  return { size: head.size, timestampMs: head.timestampMs, root: b64(head.root), signature: b64(head.signature) };
}

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly json: Record<string, unknown>;
  readonly bytes: Uint8Array;
}

/** One HTTP exchange; JSON bodies are parsed when the answer is JSON. */
export async function call(url: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Reply> {
  const res = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    ...(init.body === undefined ? {} : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
  });
  const bytes = new Uint8Array(await res.arrayBuffer());
  const isJson = res.headers.get('content-type')?.startsWith('application/json') ?? false;
  return {
    status: res.status,
    headers: res.headers,
    json: isJson ? (JSON.parse(Buffer.from(bytes).toString('utf8')) as Record<string, unknown>) : {},
    bytes,
  };
}

export const admin = (bureau: Bureau, path: string, body?: unknown, token = ADMIN_TOKEN): Promise<Reply> =>
  call(`${bureau.url}${path}`, { method: body === undefined ? 'GET' : 'POST', body, headers: { authorization: `Bearer ${token}` } });

/** Adds a code through the admin endpoint and enrols the kiosk with it. */
export async function enrolKiosk(bureau: Bureau, kiosk: TestKiosk, code = `CODE-${kiosk.deviceId.slice(0, 8)}`): Promise<Reply> {
  bureau.addEnrolmentCodes([code]);
  return call(`${bureau.url}/v1/devices`, { body: { enrolmentCode: code, deviceId: kiosk.deviceId, publicKey: kiosk.publicKeySpki } });
}

export const upload = (bureau: Bureau, deviceId: string, body: unknown): Promise<Reply> =>
  call(`${bureau.url}/v1/devices/${deviceId}/audit`, { body });
