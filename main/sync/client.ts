// The HTTP client of the bureau API (tools/bureau/API.md) over Node's fetch: one method per
// endpoint, a time limit on every request, and failures as BureauErrors with stable codes.
// Bodies are never logged or put in error messages: they may carry sealed personal data.
import { BureauError, messageOf } from './errors.js';

export type FetchFunction = typeof fetch;

export interface BureauClientOptions {
  /** The bureau's base URL, e.g. `https://bureau.example.gov/` (API paths are appended). */
  readonly baseUrl: string;
  /** Per-request time limit, ms, covering the whole answer. Default 15 000. */
  readonly timeoutMs?: number;
  /** Lists can be large (a full SL1): their own limit, ms. Default 120 000. */
  readonly listTimeoutMs?: number;
  readonly fetch?: FetchFunction;
  /** Called with the `Date` header of every answer (ms), for the clock's tripwire. */
  readonly onDate?: (dateMs: number) => void;
}

export type ListAnswer =
  | { readonly status: 'not_modified' }
  | { readonly status: 'ok'; readonly bytes: Uint8Array; readonly etag?: string; readonly variant?: 'full' | 'delta' };

export interface EnrolmentAnswer {
  readonly deviceId: string;
  /** Raw X25519 public key, 32 bytes. */
  readonly sealKey: Uint8Array;
  readonly highWater: number;
}

/** One audit record on the wire. */
export interface UploadRecord {
  readonly seq: number;
  readonly body: Uint8Array;
  readonly sealed?: { readonly suite: string; readonly enc: Uint8Array; readonly ciphertext: Uint8Array };
}

export interface UploadTreeHead {
  readonly size: number;
  readonly timestampMs: number;
  readonly root: Uint8Array;
  readonly signature: Uint8Array;
}

export interface AuditBatch {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly records: readonly UploadRecord[];
  readonly treeHead: UploadTreeHead;
}

export interface AuditState {
  readonly highWater: number;
  readonly treeHead: UploadTreeHead | null;
}

interface RequestOptions {
  readonly method?: 'GET' | 'POST';
  readonly headers?: Record<string, string>;
  readonly json?: unknown;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Statuses that are answers, not failures. */
  readonly expect: readonly number[];
}

/** What the sync loop and enrolment use of the client: a fake bureau in tests implements this. */
export type BureauApi = Pick<BureauClient, 'baseUrl' | 'time' | 'list' | 'enrol' | 'uploadAudit' | 'auditState'>;

export class BureauClient {
  readonly baseUrl: string;
  readonly #timeoutMs: number;
  readonly #listTimeoutMs: number;
  readonly #fetch: FetchFunction;
  readonly #onDate: ((dateMs: number) => void) | undefined;

  constructor(options: BureauClientOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new TypeError(`baseUrl ${JSON.stringify(options.baseUrl)} is not a URL`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError(`baseUrl must be http(s), got ${url.protocol}`);
    if (!url.pathname.endsWith('/')) url.pathname += '/';
    this.baseUrl = url.href;
    this.#timeoutMs = options.timeoutMs ?? 15_000;
    this.#listTimeoutMs = options.listTimeoutMs ?? 120_000;
    this.#fetch = options.fetch ?? fetch;
    this.#onDate = options.onDate;
  }

  /** `GET /v1/time?nonce=…`: the signed time (COSE_Sign1 bytes), checked by the clock. */
  async time(nonce: Uint8Array, signal?: AbortSignal): Promise<Uint8Array> {
    const response = await this.#request(`v1/time?nonce=${Buffer.from(nonce).toString('hex')}`, { expect: [200], ...opt(signal) });
    return this.#bytes(response, 'time', this.#timeoutMs);
  }

  /**
   * `GET /v1/lists/{TL1|SL1}`: with the ETag of the list in force (If-None-Match) and, for SL1,
   * the seq held (`have=`, so the bureau may answer with a delta).
   */
  async list(kind: 'TL1' | 'SL1', held: { etag?: string; have?: number } = {}, signal?: AbortSignal): Promise<ListAnswer> {
    const query = kind === 'SL1' && held.have !== undefined ? `?have=${held.have}` : '';
    const response = await this.#request(`v1/lists/${kind}${query}`, {
      expect: [200, 304],
      headers: held.etag ? { 'if-none-match': held.etag } : {},
      timeoutMs: this.#listTimeoutMs,
      ...opt(signal),
    });
    if (response.status === 304) {
      await response.body?.cancel();
      return { status: 'not_modified' };
    }
    const bytes = await this.#bytes(response, `list ${kind}`, this.#listTimeoutMs);
    const etag = response.headers.get('etag') ?? undefined;
    const variantHeader = response.headers.get('x-list-variant');
    const variant = variantHeader === 'full' || variantHeader === 'delta' ? variantHeader : undefined;
    return { status: 'ok', bytes, ...(etag ? { etag } : {}), ...(variant ? { variant } : {}) };
  }

  /** `POST /v1/devices`: registers the device key with a one-time enrolment code. */
  async enrol(input: { enrolmentCode: string; deviceId: string; publicKeySpki: Uint8Array }, signal?: AbortSignal): Promise<EnrolmentAnswer> {
    const response = await this.#request('v1/devices', {
      method: 'POST',
      expect: [201],
      json: { enrolmentCode: input.enrolmentCode, deviceId: input.deviceId, publicKey: base64(input.publicKeySpki) },
      ...opt(signal),
    });
    const body = await this.#json(response, 'enrolment');
    const sealKey = typeof body.sealKey === 'string' ? fromBase64(body.sealKey) : undefined;
    if (typeof body.deviceId !== 'string' || !sealKey || sealKey.length !== 32 || !isCount(body.highWater)) {
      throw badAnswer('enrolment', 'expected {deviceId, sealKey (32 bytes base64), highWater}');
    }
    return { deviceId: body.deviceId, sealKey, highWater: body.highWater };
  }

  /** `POST /v1/devices/{id}/audit`: one batch; resolves with the bureau's high-water mark. */
  async uploadAudit(deviceId: string, batch: AuditBatch, signal?: AbortSignal): Promise<{ highWater: number }> {
    const response = await this.#request(`v1/devices/${encodeURIComponent(deviceId)}/audit`, {
      method: 'POST',
      expect: [200],
      json: {
        firstSeq: batch.firstSeq,
        lastSeq: batch.lastSeq,
        records: batch.records.map((r) => ({
          seq: r.seq,
          body: base64(r.body),
          ...(r.sealed ? { sealed: { suite: r.sealed.suite, enc: base64(r.sealed.enc), ciphertext: base64(r.sealed.ciphertext) } } : {}),
        })),
        treeHead: treeHeadJson(batch.treeHead),
      },
      ...opt(signal),
    });
    const body = await this.#json(response, 'audit upload');
    if (!isCount(body.highWater)) throw badAnswer('audit upload', 'expected {highWater}');
    return { highWater: body.highWater };
  }

  /** `GET /v1/devices/{id}/audit`: where the bureau's copy of the log ends. */
  async auditState(deviceId: string, signal?: AbortSignal): Promise<AuditState> {
    const response = await this.#request(`v1/devices/${encodeURIComponent(deviceId)}/audit`, { expect: [200], ...opt(signal) });
    const body = await this.#json(response, 'audit state');
    if (!isCount(body.highWater)) throw badAnswer('audit state', 'expected {highWater, treeHead}');
    const head = body.treeHead === null || body.treeHead === undefined ? null : readTreeHead(body.treeHead);
    if (head === undefined) throw badAnswer('audit state', 'treeHead has not the shape of a signed tree head');
    return { highWater: body.highWater, treeHead: head };
  }

  async #request(path: string, options: RequestOptions): Promise<Response> {
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    const url = new URL(path, this.baseUrl);
    const what = `${options.method ?? 'GET'} ${url.pathname}`;
    const headers: Record<string, string> = { accept: 'application/cose, application/json', ...options.headers };
    let body: string | undefined;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    let response: Response;
    try {
      response = await this.#fetch(url, {
        method: options.method ?? 'GET',
        headers,
        ...(body !== undefined ? { body } : {}),
        signal: withTimeout(timeoutMs, options.signal),
      });
    } catch (error) {
      throw networkError(what, error, timeoutMs);
    }
    const date = response.headers.get('date');
    if (date && this.#onDate) {
      const ms = Date.parse(date);
      if (!Number.isNaN(ms)) this.#onDate(ms);
    }
    if (options.expect.includes(response.status)) return response;
    throw await statusError(what, response);
  }

  async #bytes(response: Response, what: string, timeoutMs: number): Promise<Uint8Array> {
    try {
      return new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      throw networkError(what, error, timeoutMs);
    }
  }

  async #json(response: Response, what: string): Promise<Record<string, unknown>> {
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw networkError(what, error, this.#timeoutMs);
    }
    try {
      const value: unknown = JSON.parse(text);
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // Falls through: the body is not JSON.
    }
    throw badAnswer(what, 'the answer is not a JSON object');
  }
}

/** A fetch signal that aborts after `timeoutMs` or when `outer` aborts (the sync stopping). */
function withTimeout(timeoutMs: number, outer: AbortSignal | undefined): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return outer ? AbortSignal.any([timeout, outer]) : timeout;
}

function networkError(what: string, error: unknown, timeoutMs: number): BureauError {
  if (error instanceof BureauError) return error;
  const name = (error as { name?: unknown } | undefined)?.name;
  if (name === 'TimeoutError') return new BureauError('bureau_timeout', `${what}: no complete answer within ${timeoutMs} ms`, { cause: error });
  // Undici reports the socket-level reason in `cause` (ECONNREFUSED, UND_ERR_SOCKET, …).
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  const reason = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : messageOf(error);
  const aborted = name === 'AbortError' ? 'cancelled' : reason;
  return new BureauError('bureau_unreachable', `${what}: ${aborted}`, { cause: error });
}

/** Turns a status outside the expected ones into a BureauError; reads the JSON error code, never echoes the body. */
async function statusError(what: string, response: Response): Promise<BureauError> {
  const status = response.status;
  let code: string | undefined;
  let highWater: number | undefined;
  try {
    const value: unknown = JSON.parse(await response.text());
    if (value && typeof value === 'object') {
      const error = (value as { error?: unknown }).error;
      if (typeof error === 'string' && /^[a-z][a-z0-9_]{0,47}$/.test(error)) code = error;
      const hw = (value as { highWater?: unknown }).highWater;
      if (isCount(hw)) highWater = hw;
    }
  } catch {
    // No JSON error body: the status alone says what happened.
  }
  const details = { status, ...(code ? { refusal: code } : {}), ...(highWater !== undefined ? { highWater } : {}) };
  if (status >= 400 && status < 500) {
    return new BureauError('bureau_refused', `${what}: refused with ${status}${code ? ` ${code}` : ''}`, details);
  }
  return new BureauError('bureau_error', `${what}: the bureau answered ${status}${code ? ` ${code}` : ''}`, details);
}

function badAnswer(what: string, detail: string): BureauError {
  return new BureauError('bureau_bad_answer', `${what}: ${detail}`);
}

function treeHeadJson(head: UploadTreeHead): Record<string, unknown> {
  return { size: head.size, timestampMs: head.timestampMs, root: base64(head.root), signature: base64(head.signature) };
}

function readTreeHead(value: unknown): UploadTreeHead | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const { size, timestampMs, root, signature } = value as Record<string, unknown>;
  if (!isCount(size) || !isCount(timestampMs) || typeof root !== 'string' || typeof signature !== 'string') return undefined;
  const rootBytes = fromBase64(root);
  const signatureBytes = fromBase64(signature);
  if (!rootBytes || rootBytes.length !== 32 || !signatureBytes || signatureBytes.length !== 64) return undefined;
  return { size, timestampMs, root: rootBytes, signature: signatureBytes };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Standard base64 with padding, strictly: anything else is not what API.md promises. */
function fromBase64(text: string): Uint8Array | undefined {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) return undefined;
  return new Uint8Array(Buffer.from(text, 'base64'));
}

function opt(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal ? { signal } : {};
}
