// The bureau client over a fake fetch: requests as API.md writes them, answers read strictly,
// failures as stable codes — and never a body in an error message.
import { describe, expect, it } from 'vitest';
import { BureauClient, type FetchFunction } from '../../../main/sync/client.js';
import { BureauError } from '../../../main/sync/errors.js';

interface Seen {
  url: URL;
  method: string;
  headers: Headers;
  body?: string;
}

/** A fetch that records each request and answers with `respond`. */
function fakeFetch(respond: (seen: Seen, signal?: AbortSignal) => Response | Promise<Response>) {
  const requests: Seen[] = [];
  const fetch: FetchFunction = async (input, init) => {
    const seen: Seen = {
      url: new URL(String(input)),
      method: init?.method ?? 'GET',
      headers: new Headers(init?.headers),
      ...(typeof init?.body === 'string' ? { body: init.body } : {}),
    };
    requests.push(seen);
    return respond(seen, init?.signal ?? undefined);
  };
  return { fetch, requests };
}

const json = (status: number, value: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json', ...headers } });

async function failure(promise: Promise<unknown>): Promise<BureauError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof BureauError) return error;
    throw error;
  }
  throw new Error('expected a BureauError');
}

describe('BureauClient requests', () => {
  it('asks for the time with the nonce in hex and reports the Date header', async () => {
    const { fetch, requests } = fakeFetch(() => new Response(new Uint8Array([0xd2, 1, 2]), { headers: { date: 'Sun, 15 Jun 2025 00:00:00 GMT' } }));
    const dates: number[] = [];
    const client = new BureauClient({ baseUrl: 'http://bureau.test/city', fetch, onDate: (ms) => dates.push(ms) });
    const bytes = await client.time(new Uint8Array(16).fill(0xab));
    expect([...bytes]).toEqual([0xd2, 1, 2]);
    expect(requests[0]!.url.href).toBe(`http://bureau.test/city/v1/time?nonce=${'ab'.repeat(16)}`);
    expect(dates).toEqual([Date.UTC(2025, 5, 15)]);
  });

  it('pulls lists with If-None-Match and have=, and reads 304, ETag and the variant', async () => {
    let status = 304;
    const { fetch, requests } = fakeFetch(() =>
      status === 304 ? new Response(null, { status: 304 }) : new Response(new Uint8Array([1]), { headers: { etag: '"sl1-8"', 'x-list-variant': 'delta' } }),
    );
    const client = new BureauClient({ baseUrl: 'http://bureau.test', fetch });
    expect(await client.list('TL1', { etag: '"tl1-3"' })).toEqual({ status: 'not_modified' });
    expect(requests[0]!.url.pathname).toBe('/v1/lists/TL1');
    expect(requests[0]!.headers.get('if-none-match')).toBe('"tl1-3"');
    status = 200;
    const answer = await client.list('SL1', { etag: '"sl1-7"', have: 7 });
    expect(answer).toEqual({ status: 'ok', bytes: new Uint8Array([1]), etag: '"sl1-8"', variant: 'delta' });
    expect(requests[1]!.url.search).toBe('?have=7');
    await client.list('SL1');
    expect(requests[2]!.url.search).toBe('');
    expect(requests[2]!.headers.has('if-none-match')).toBe(false);
  });

  it('uploads a batch in the shape of API.md and reads the high-water mark', async () => {
    const { fetch, requests } = fakeFetch(() => json(200, { highWater: 2 }));
    const client = new BureauClient({ baseUrl: 'http://bureau.test/', fetch });
    const answer = await client.uploadAudit('dev/1', {
      firstSeq: 1,
      lastSeq: 2,
      records: [
        { seq: 1, body: new Uint8Array([1, 2, 3]) },
        { seq: 2, body: new Uint8Array([4]), sealed: { suite: 'S', enc: new Uint8Array([5]), ciphertext: new Uint8Array([6, 7]) } },
      ],
      treeHead: { size: 2, timestampMs: 9, root: new Uint8Array(32).fill(1), signature: new Uint8Array(64).fill(2) },
    });
    expect(answer).toEqual({ highWater: 2 });
    const seen = requests[0]!;
    expect(seen.method).toBe('POST');
    expect(seen.url.pathname).toBe('/v1/devices/dev%2F1/audit');
    expect(seen.headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(seen.body!)).toEqual({
      firstSeq: 1,
      lastSeq: 2,
      records: [
        { seq: 1, body: 'AQID' },
        { seq: 2, body: 'BA==', sealed: { suite: 'S', enc: 'BQ==', ciphertext: 'Bgc=' } },
      ],
      treeHead: { size: 2, timestampMs: 9, root: Buffer.alloc(32, 1).toString('base64'), signature: Buffer.alloc(64, 2).toString('base64') },
    });
  });

  it('enrols with the SPKI in base64 and reads the seal key', async () => {
    const sealKey = Buffer.alloc(32, 9).toString('base64');
    const { fetch, requests } = fakeFetch(() => json(201, { deviceId: 'd', sealKey, highWater: 0 }));
    const client = new BureauClient({ baseUrl: 'http://bureau.test', fetch });
    const answer = await client.enrol({ enrolmentCode: 'CODE-1', deviceId: 'd', publicKeySpki: new Uint8Array([1, 2]) });
    expect(answer).toEqual({ deviceId: 'd', sealKey: new Uint8Array(32).fill(9), highWater: 0 });
    expect(JSON.parse(requests[0]!.body!)).toEqual({ enrolmentCode: 'CODE-1', deviceId: 'd', publicKey: 'AQI=' });
  });

  it('reads the audit state, with or without a tree head', async () => {
    const head = { size: 4, timestampMs: 1, root: Buffer.alloc(32).toString('base64'), signature: Buffer.alloc(64).toString('base64') };
    let body: unknown = { highWater: 4, treeHead: head };
    const { fetch } = fakeFetch(() => json(200, body));
    const client = new BureauClient({ baseUrl: 'http://bureau.test', fetch });
    expect(await client.auditState('d')).toMatchObject({ highWater: 4, treeHead: { size: 4 } });
    body = { highWater: 0, treeHead: null };
    expect(await client.auditState('d')).toEqual({ highWater: 0, treeHead: null });
    body = { highWater: 0, treeHead: { size: 'x' } };
    expect((await failure(client.auditState('d'))).code).toBe('bureau_bad_answer');
  });
});

describe('BureauClient failures', () => {
  it('gives 4xx answers as bureau_refused with the JSON code, and a gap with its high-water mark', async () => {
    const { fetch } = fakeFetch(() => json(409, { error: 'gap', message: 'resend from 41', highWater: 40 }));
    const client = new BureauClient({ baseUrl: 'http://bureau.test', fetch });
    const error = await failure(client.auditState('d'));
    expect(error.code).toBe('bureau_refused');
    expect(error.status).toBe(409);
    expect(error.refusal).toBe('gap');
    expect(error.details.highWater).toBe(40);
    expect(error.offline).toBe(false);
  });

  it('gives 5xx answers as bureau_error with the status', async () => {
    const { fetch } = fakeFetch(() => new Response('upstream down', { status: 503 }));
    const error = await failure(new BureauClient({ baseUrl: 'http://bureau.test', fetch }).time(new Uint8Array(16)));
    expect(error.code).toBe('bureau_error');
    expect(error.status).toBe(503);
    expect(error.refusal).toBeUndefined();
  });

  it('gives a refused connection as bureau_unreachable and no answer in time as bureau_timeout', async () => {
    const refused: FetchFunction = () => Promise.reject(new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }));
    const error = await failure(new BureauClient({ baseUrl: 'http://bureau.test', fetch: refused }).time(new Uint8Array(16)));
    expect(error.code).toBe('bureau_unreachable');
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.offline).toBe(true);

    const { fetch: silent } = fakeFetch(
      (_seen, signal) => new Promise<Response>((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason))),
    );
    const timeout = await failure(new BureauClient({ baseUrl: 'http://bureau.test', fetch: silent, timeoutMs: 20 }).time(new Uint8Array(16)));
    expect(timeout.code).toBe('bureau_timeout');
    expect(timeout.offline).toBe(true);
  });

  it('refuses 2xx answers that are not what API.md says', async () => {
    const { fetch } = fakeFetch(() => new Response('<html>captive portal</html>', { status: 200 }));
    const client = new BureauClient({ baseUrl: 'http://bureau.test', fetch });
    expect((await failure(client.uploadAudit('d', batch()))).code).toBe('bureau_bad_answer');
    const { fetch: shortKey } = fakeFetch(() => json(201, { deviceId: 'd', sealKey: 'AAAA', highWater: 0 }));
    const enrolment = new BureauClient({ baseUrl: 'http://bureau.test', fetch: shortKey }).enrol({ enrolmentCode: 'c', deviceId: 'd', publicKeySpki: new Uint8Array(1) });
    expect((await failure(enrolment)).code).toBe('bureau_bad_answer');
  });

  it('never puts a body into an error message', async () => {
    const canary = 'Zhang San 11010519491231002X';
    const { fetch } = fakeFetch(() => json(422, { error: 'unsealable', message: canary }));
    const error = await failure(new BureauClient({ baseUrl: 'http://bureau.test', fetch }).uploadAudit('d', batch(canary)));
    expect(error.refusal).toBe('unsealable');
    expect(`${error.message} ${String(error.stack)}`).not.toContain('Zhang');
    expect(JSON.stringify(error.details)).not.toContain('Zhang');
  });

  it('refuses a base URL that is not http(s)', () => {
    expect(() => new BureauClient({ baseUrl: 'ftp://bureau.test' })).toThrow(TypeError);
    expect(() => new BureauClient({ baseUrl: 'not a url' })).toThrow(TypeError);
  });
});

function batch(text = 'x') {
  return {
    firstSeq: 1,
    lastSeq: 1,
    records: [{ seq: 1, body: new TextEncoder().encode(text) }],
    treeHead: { size: 1, timestampMs: 0, root: new Uint8Array(32), signature: new Uint8Array(64) },
  };
}
