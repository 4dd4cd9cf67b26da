// Lists and time through real HTTP: TL1/SL1 with ETag and 304, SL1 deltas a kiosk can apply,
// signed time carrying the nonce, publication through the admin endpoints, anchor rotation, demo.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadAnchors, verifySignedList } from '../../../main/trust/anchors.js';
import { acceptStatusList, type StatusListRecord } from '../../../main/trust/lists.js';
import type { StatusList } from '../../../main/trust/status-list.js';
import { parseStatusList } from '../../../main/trust/status-list.js';
import { parseTrustList } from '../../../main/trust/trust-list.js';
import { decodeCbor } from '../../../main/verify/cbor.js';
import { generateIssuerKey } from '../../../tools/issuer/index.js';
import { admin, call, startTestBureau, type TestBureau } from './fixtures.js';

let t: TestBureau | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const A = { dt: 'CN-RIC', dn: '11010519900307123X' };
const B = { dt: 'CN-RIC', dn: '310104198811230241' };
const C = { dt: 'CN-HMT', dn: '810000199302140370' };
const D = { dt: 'CN-RIC', dn: '440106198109300880' };
/** Others on the list, so a delta is worth sending. */
const MORE = Array.from({ length: 6 }, (_, i) => ({ dt: 'CN-RIC', dn: `12010119600701${String(210 + i).padStart(4, '0')}` }));

const anchorsOf = (tb: TestBureau) => loadAnchors(tb.bureau.anchorsPem());

describe('TL1', () => {
  it('is 404 until published, then served with an ETag and 304 for If-None-Match', async () => {
    t = await startTestBureau();
    const url = `${t.bureau.url}/v1/lists/TL1`;
    expect((await call(url)).json.error).toBe('not_published');
    const issuer = generateIssuerKey('EdDSA');
    expect(t.bureau.publishTrustList({ keys: [{ iss: 'CN-SH-PSB', spki: issuer.spki, dt: ['CN-RIC'] }] })).toBe(1);

    const first = await call(url);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/cose');
    expect(first.headers.get('etag')).toBe('"tl1-1"');
    expect(first.headers.get('date')).toBeTruthy();
    const list = parseTrustList(verifySignedList(first.bytes, anchorsOf(t)).payload);
    expect(list.seq).toBe(1);
    expect(list.keys.map((k) => k.issuer)).toEqual(['CN-SH-PSB']);

    const cached = await call(url, { headers: { 'if-none-match': '"tl1-1"' } });
    expect(cached.status).toBe(304);
    expect(cached.bytes).toHaveLength(0);

    // Published again through the admin endpoint without keys: the same keys under seq 2.
    expect((await admin(t.bureau, '/admin/trust-list', { nuSeconds: 3600 })).json).toEqual({ seq: 2 });
    const next = await call(url, { headers: { 'if-none-match': '"tl1-1"' } });
    expect(next.status).toBe(200);
    expect(next.headers.get('etag')).toBe('"tl1-2"');
    const second = parseTrustList(verifySignedList(next.bytes, anchorsOf(t)).payload);
    expect(second.keys.map((k) => k.kidHex)).toEqual(list.keys.map((k) => k.kidHex));
    expect(second.nu - second.iat).toBe(3600);

    // New keys through the admin endpoint (a key rotation at the issuer).
    const rotated = generateIssuerKey('ES256');
    const reply = await admin(t.bureau, '/admin/trust-list', {
      keys: [
        { iss: 'CN-SH-PSB', spki: Buffer.from(issuer.spki).toString('base64'), st: 'revoked' },
        { iss: 'CN-SH-PSB', spki: Buffer.from(rotated.spki).toString('base64'), dt: ['CN-RIC'] },
      ],
    });
    expect(reply.json).toEqual({ seq: 3 });
    const third = parseTrustList(verifySignedList((await call(url)).bytes, anchorsOf(t)).payload);
    expect(third.keys.map((k) => [k.kidHex, k.status])).toEqual([
      [Buffer.from(issuer.kid).toString('hex'), 'revoked'],
      [Buffer.from(rotated.kid).toString('hex'), 'active'],
    ]);
  });
});

describe('SL1', () => {
  /** What a kiosk holds: the record it would store and the list in force. */
  interface KioskLists {
    record: StatusListRecord;
    list?: StatusList;
  }
  const take = (tb: TestBureau, kiosk: KioskLists, bytes: Uint8Array): void => {
    const accepted = acceptStatusList(bytes, anchorsOf(tb), kiosk.record, kiosk.list);
    kiosk.record = accepted.record;
    kiosk.list = accepted.list;
  };
  const get = (tb: TestBureau, have?: number, headers?: Record<string, string>) =>
    call(`${tb.bureau.url}/v1/lists/SL1${have === undefined ? '' : `?have=${have}`}`, headers ? { headers } : {});

  it('serves the full list, 304 for the current seq, and deltas a kiosk applies', async () => {
    t = await startTestBureau();
    expect((await get(t)).status).toBe(404);
    expect(t.bureau.publishStatusList({ documents: [A, B, ...MORE] })).toBe(1);
    const kiosk: KioskLists = { record: {} };
    const full1 = await get(t);
    expect(full1.headers.get('x-list-variant')).toBe('full');
    expect(full1.headers.get('etag')).toBe('"sl1-1"');
    take(t, kiosk, full1.bytes);

    expect((await admin(t.bureau, '/admin/status-list', { revoke: [C, D] })).json).toEqual({ seq: 2 });
    expect((await admin(t.bureau, '/admin/status-list', { reinstate: [A] })).json).toEqual({ seq: 3 });

    expect((await get(t, 3)).status).toBe(304);
    expect((await get(t, 3)).headers.get('etag')).toBe('"sl1-3"');
    expect((await get(t, undefined, { 'if-none-match': '"sl1-3"' })).status).toBe(304);

    const delta = await get(t, 1);
    expect(delta.status).toBe(200);
    expect(delta.headers.get('x-list-variant')).toBe('delta');
    expect(delta.headers.get('etag')).toBe('"sl1-3"');
    const document = parseStatusList(verifySignedList(delta.bytes, anchorsOf(t)).payload);
    expect(document).toMatchObject({ kind: 'delta', seq: 3, base: 1 });
    expect(document.add.length / 8).toBe(2);
    expect(document.del.length / 8).toBe(1);
    take(t, kiosk, delta.bytes);
    expect(kiosk.list?.seq).toBe(3);
    expect([A, B, C, D, ...MORE].map((d) => kiosk.list?.holds(d.dt, d.dn))).toEqual([false, true, true, true, ...MORE.map(() => true)]);
    // The same delta, byte for byte, to the next kiosk asking.
    expect(Buffer.from((await get(t, 1)).bytes).equals(delta.bytes)).toBe(true);

    const fromTwo = await get(t, 2);
    expect(fromTwo.headers.get('x-list-variant')).toBe('delta');
    expect(parseStatusList(verifySignedList(fromTwo.bytes, anchorsOf(t)).payload)).toMatchObject({ base: 2, seq: 3 });

    // A seq the bureau never published: the full list.
    expect((await get(t, 99)).headers.get('x-list-variant')).toBe('full');
    const bad = await call(`${t.bureau.url}/v1/lists/SL1?have=abc`);
    expect(bad.status).toBe(400);
  });

  it('serves the full list when the delta would be no smaller, too old, or across a new salt', async () => {
    t = await startTestBureau({ deltaWindow: 2 });
    t.bureau.publishStatusList({ documents: [A] });
    t.bureau.publishStatusList({ documents: [B] });
    // Replacing A by B: a delta of two entries for a list of one.
    expect((await get(t, 1)).headers.get('x-list-variant')).toBe('full');
    t.bureau.publishStatusList({ revoke: [C, D] });
    t.bureau.publishStatusList({ revoke: [A] });
    expect((await get(t, 2)).headers.get('x-list-variant')).toBe('delta');
    expect((await get(t, 1)).headers.get('x-list-variant')).toBe('full');
    expect(() => t!.bureau.publishStatusList({ newSalt: true })).toThrow(/documents/);
    expect(t.bureau.publishStatusList({ newSalt: true, documents: [A, B, C, D] })).toBe(5);
    expect((await get(t, 4)).headers.get('x-list-variant')).toBe('full');
    const full = parseStatusList(verifySignedList((await get(t, 4)).bytes, anchorsOf(t)).payload);
    expect(full.add.length / 8).toBe(4);
  });
});

describe('time', () => {
  it('answers a COSE_Sign1 by the anchor over the time and the nonce', async () => {
    t = await startTestBureau({ nowMs: () => 1_790_000_123_456 });
    const nonce = '00112233445566778899aabbccddeeff';
    const reply = await call(`${t.bureau.url}/v1/time?nonce=${nonce}`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('application/cose');
    const signed = verifySignedList(reply.bytes, anchorsOf(t));
    const payload = decodeCbor(signed.payload) as Map<string, unknown>;
    expect(payload.get('v')).toBe(1);
    expect(payload.get('kind')).toBe('TIME');
    expect(payload.get('time')).toBe(1_790_000_123_456);
    expect(Buffer.from(payload.get('nonce') as Uint8Array).toString('hex')).toBe(nonce);

    for (const bad of ['', '0011', 'zz112233445566778899aabbccddeeff', `${nonce}00`]) {
      const refused = await call(`${t.bureau.url}/v1/time?nonce=${bad}`);
      expect(refused.status).toBe(400);
      expect(refused.json.error).toBe('bad_nonce');
    }
  });

  it('is signed by the new anchor after a rotation, which kiosks holding only the old one refuse', async () => {
    t = await startTestBureau();
    const oldPem = t.bureau.anchorsPem();
    const rotated = await admin(t.bureau, '/admin/anchor/rotate', {});
    expect(rotated.status).toBe(201);
    expect(t.bureau.anchorsPem()).toBe(rotated.json.anchorsPem);
    const reply = await call(`${t.bureau.url}/v1/time?nonce=${'ab'.repeat(16)}`);
    expect(verifySignedList(reply.bytes, anchorsOf(t)).anchor.kidHex).toBe(rotated.json.kid);
    expect(() => verifySignedList(reply.bytes, loadAnchors(oldPem))).toThrow(/not an installed anchor/);
    expect(readFileSync(join(t.dir, 'keys/anchors.pem'), 'utf8')).toBe(t.bureau.anchorsPem());
  });
});

describe('demo', () => {
  it('publishes the demo fixtures on first start and keeps them on the next', async () => {
    t = await startTestBureau({ demo: true });
    const demo = t.bureau.demo!;
    expect(demo.enrolmentCodes).toHaveLength(10);
    const tl1 = await call(`${t.bureau.url}/v1/lists/TL1`);
    expect(Buffer.from(tl1.bytes).equals(readFileSync(join(t.dir, demo.manifest.trustList)))).toBe(true);
    const sl1 = await call(`${t.bureau.url}/v1/lists/SL1`);
    expect(Buffer.from(sl1.bytes).equals(readFileSync(join(t.dir, demo.manifest.statusList)))).toBe(true);
    // The demo anchor is the bureau's: the fixture's public key verifies what the bureau signs.
    const demoAnchor = loadAnchors(readFileSync(join(t.dir, demo.manifest.anchor.publicFile), 'utf8'));
    expect(verifySignedList(sl1.bytes, demoAnchor).anchor.kidHex).toBe(demo.manifest.anchor.kid);
    t.bureau.publishStatusList({ revoke: [A] });
    expect((await call(`${t.bureau.url}/v1/lists/SL1?have=1`)).headers.get('x-list-variant')).toBe('delta');

    await t.bureau.close();
    const again = await startTestBureau({ demo: true, dataDir: t.dir });
    t = again;
    expect(again.bureau.unusedEnrolmentCodes()).toEqual(demo.enrolmentCodes);
    expect(Buffer.from((await call(`${again.bureau.url}/v1/lists/TL1`)).bytes).equals(tl1.bytes)).toBe(true);
    expect((await call(`${again.bureau.url}/v1/lists/SL1`)).headers.get('etag')).toBe('"sl1-2"');
  });
});
