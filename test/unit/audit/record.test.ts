// Audit records: events validated where they enter, canonical CBOR bytes, the hash chain's
// exact definition, chain verification over edited, missing, reordered and purged records,
// tree-head signing bytes, and document pseudonyms.
import { createHash, createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { encode } from 'cbor2';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHAIN_CONTEXT, GENESIS_CHAIN_HASH, chainHash, verifyChain, type ChainEntry } from '../../../main/audit/chain.js';
import { documentPseudonym, HmacSha256, verifyDeviceSignature } from '../../../main/audit/device-key.js';
import { AuditError } from '../../../main/audit/errors.js';
import { leafHash } from '../../../main/audit/merkle.js';
import { decodeRecord, encodeRecord, parseEvent, type AuditEvent, type AuditRecord } from '../../../main/audit/record.js';
import { REASONS, RESULTS } from '../../../main/verify/reasons.js';
import type { Verdict } from '../../../main/verify/types.js';
import { treeHeadBytes, verifyTreeHead } from '../../../main/audit/tree-head.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function record(seq: number, overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    v: 1,
    seq,
    device: 'kiosk-1',
    wallMs: 1_700_000_000_000 + seq,
    monoUs: 5_000_000 + seq,
    boot: 'boot-a',
    clockTrusted: true,
    event: { kind: 'verification', result: 'invalid', reasons: ['bad_signature'], format: 'eid', kid: '0011223344556677', trustListSeq: 4 },
    ...overrides,
  };
}

/** A chain of `count` records as the kiosk would keep it. */
function chainOf(count: number): ChainEntry[] {
  const entries: ChainEntry[] = [];
  let previous = GENESIS_CHAIN_HASH;
  for (let seq = 1; seq <= count; seq++) {
    const body = encodeRecord(record(seq));
    const leaf = leafHash(body);
    previous = chainHash(previous, leaf);
    entries.push({ seq, leafHash: leaf, chainHash: previous, body });
  }
  return entries;
}

describe('events where they enter', () => {
  it('accepts each kind of event', () => {
    const events = [
      { kind: 'verification', result: 'valid', reasons: [], document: { type: 'ID', number: '11010519491231002X' } },
      { kind: 'card_read', outcome: 'read', reader: '/dev/ttyUSB0' },
      { kind: 'operator_action', action: 'override_refused', operator: 'staff-17', note: 'guest asked twice' },
      { kind: 'device_fault', device: 'qr_scanner', fault: 'unplugged' },
      { kind: 'list_update', list: 'SL1', outcome: 'refused', seq: 12, error: 'rolled_back' },
      { kind: 'clock_change', fromMs: 0, toMs: 1_700_000_000_000, source: 'bureau_date' },
    ];
    for (const event of events) expect(parseEvent(event).kind).toBe(event.kind);
  });

  it('refuses unknown fields, non-integers and free text where a code belongs, naming the field', () => {
    const bad: [unknown, string][] = [
      [{ kind: 'verification', result: 'valid', reasons: [], name: 'Zhang San' }, 'name'],
      [{ kind: 'list_update', list: 'TL1', outcome: 'accepted', seq: 1.5 }, 'seq'],
      [{ kind: 'verification', result: 'Valid!', reasons: [] }, 'result'],
      [{ kind: 'card_read', outcome: 'read', document: { type: 'ID:CN', number: '1' } }, 'document.type'],
      [{ kind: 'teleport' }, 'kind'],
    ];
    for (const [event, field] of bad) {
      expect(() => parseEvent(event)).toThrow(AuditError);
      expect(() => parseEvent(event)).toThrow(field);
    }
  });
});

describe('canonical record bytes', () => {
  it('encodes map keys in bytewise order with preferred integer sizes, and decodes back', () => {
    const r = record(7);
    const bytes = encodeRecord(r);
    expect(decodeRecord(bytes)).toEqual(r);
    // Same record built with its keys in another order: same bytes.
    const shuffled = Object.fromEntries(Object.entries(r).reverse()) as AuditRecord;
    expect(hex(encodeRecord(shuffled))).toBe(hex(bytes));
    // CBOR head: a map of 8 pairs; the first key is the shortest ("v").
    expect(bytes[0]).toBe(0xa8);
    expect(hex(bytes.subarray(1, 3))).toBe('6176');
  });

  it('leaves absent optional fields out instead of encoding undefined', () => {
    const r = record(1, { event: { kind: 'device_fault', device: 'camera', fault: 'no_frames', note: undefined } });
    const bytes = encodeRecord(r);
    expect(Buffer.from(bytes).includes(Buffer.from('note'))).toBe(false);
    expect(decodeRecord(bytes).event).toEqual({ kind: 'device_fault', device: 'camera', fault: 'no_frames' });
  });

  it('refuses bytes that are not the canonical encoding of a valid record', () => {
    const r = record(3);
    const unsorted = encode(r); // cbor2's default keeps insertion order
    expect(() => decodeRecord(unsorted)).toThrow(AuditError);
    const extra = encodeRecord({ ...r, extra: 1 } as AuditRecord);
    expect(() => decodeRecord(extra)).toThrow('malformed_record');
    const truncated = encodeRecord(r).subarray(0, 20);
    expect(() => decodeRecord(truncated)).toThrow('malformed_record');
  });
});

describe('the hash chain', () => {
  it('is SHA-256("verikiosk-audit-chain-v1" ‖ 0x00 ‖ previous ‖ leaf), from 32 zero bytes', () => {
    expect(new TextDecoder().decode(CHAIN_CONTEXT)).toBe('verikiosk-audit-chain-v1\u0000');
    expect(hex(GENESIS_CHAIN_HASH)).toBe('00'.repeat(32));
    const body = encodeRecord(record(1));
    const leaf = createHash('sha256').update(Buffer.from([0])).update(body).digest();
    const expected = createHash('sha256').update('verikiosk-audit-chain-v1\u0000').update(Buffer.alloc(32)).update(leaf).digest('hex');
    expect(hex(chainHash(GENESIS_CHAIN_HASH, leaf))).toBe(expected);
    expect(chainOf(1)[0]!.chainHash).toEqual(new Uint8Array(Buffer.from(expected, 'hex')));
  });

  it('verifies an intact chain and continues from a verified point', () => {
    const entries = chainOf(20);
    expect(verifyChain(entries)).toMatchObject({ ok: true, lastSeq: 20, records: 20, purged: 0 });
    const start = { seq: 10, chainHash: entries[9]!.chainHash };
    expect(verifyChain(entries.slice(10), { start })).toMatchObject({ ok: true, lastSeq: 20, records: 10 });
    expect(verifyChain(entries.slice(11), { start })).toMatchObject({ ok: false, seq: 11, problem: 'missing' });
  });

  it('finds an edited body at its seq', () => {
    const entries = chainOf(10);
    const body = new Uint8Array(entries[5]!.body!);
    body[body.length - 1] = body[body.length - 1]! ^ 1;
    entries[5] = { ...entries[5]!, body };
    expect(verifyChain(entries)).toMatchObject({ ok: false, seq: 6, problem: 'edited' });
  });

  it('finds a record rewritten with a matching leaf hash where the chain breaks', () => {
    const entries = chainOf(10);
    const body = encodeRecord(record(4, { clockTrusted: false }));
    entries[3] = { ...entries[3]!, body, leafHash: leafHash(body) };
    expect(verifyChain(entries)).toMatchObject({ ok: false, seq: 4, problem: 'chain_broken' });
  });

  it('finds a deleted record at the missing seq', () => {
    const entries = chainOf(10);
    entries.splice(6, 1);
    expect(verifyChain(entries)).toMatchObject({ ok: false, seq: 7, problem: 'missing' });
  });

  it('finds reordered records at the first displaced seq', () => {
    const entries = chainOf(10);
    const a = entries[2]!;
    const b = entries[3]!;
    // Rows keep their positions (seq 3, 4) but swap contents, as a database row edit would.
    entries[2] = { ...b, seq: 3 };
    entries[3] = { ...a, seq: 4 };
    expect(verifyChain(entries)).toMatchObject({ ok: false, seq: 3, problem: 'misplaced' });
    // Delivered out of order (a bureau batch): the first seq that is not the next one.
    const shuffled = chainOf(10);
    [shuffled[4], shuffled[5]] = [shuffled[5]!, shuffled[4]!];
    expect(verifyChain(shuffled)).toMatchObject({ ok: false, seq: 5, problem: 'missing' });
  });

  it('refuses a record of another device when the device is known', () => {
    expect(verifyChain(chainOf(3), { deviceId: 'kiosk-2' })).toMatchObject({ ok: false, seq: 1, problem: 'misplaced' });
  });

  it('still verifies with purged bodies, by their hashes', () => {
    const entries = chainOf(10).map((e) => (e.seq <= 6 ? { ...e, body: null } : e));
    expect(verifyChain(entries)).toMatchObject({ ok: true, records: 10, purged: 6 });
    entries[2] = { ...entries[2]!, leafHash: leafHash(new Uint8Array([1])) };
    expect(verifyChain(entries)).toMatchObject({ ok: false, seq: 3, problem: 'chain_broken' });
  });
});

describe('signed tree heads', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = new Uint8Array(Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url'));
  const head = { size: 300, root: leafHash(new Uint8Array([1])), timestampMs: 1_700_000_000_123 };

  it('signs the fixed layout: context, size and timestamp as uint64be, root, device id', () => {
    const bytes = treeHeadBytes('kiosk-1', head);
    const context = Buffer.from('verikiosk-tree-head-v1\u0000');
    expect(Buffer.from(bytes.subarray(0, context.length))).toEqual(context);
    expect(hex(bytes.subarray(context.length, context.length + 8))).toBe('000000000000012c');
    expect(hex(bytes.subarray(context.length + 8, context.length + 16))).toBe(1_700_000_000_123n.toString(16).padStart(16, '0'));
    expect(hex(bytes.subarray(context.length + 16, context.length + 48))).toBe(hex(head.root));
    expect(new TextDecoder().decode(bytes.subarray(context.length + 48))).toBe('kiosk-1');
  });

  it('verifies with the device key and only for that device, size and root', () => {
    const signature = new Uint8Array(sign(null, treeHeadBytes('kiosk-1', head), privateKey));
    const signed = { ...head, signature };
    expect(verifyTreeHead(signed, 'kiosk-1', raw)).toBe(true);
    expect(verifyTreeHead(signed, 'kiosk-2', raw)).toBe(false);
    expect(verifyTreeHead({ ...signed, size: 301 }, 'kiosk-1', raw)).toBe(false);
    expect(verifyTreeHead({ ...signed, root: leafHash(new Uint8Array([2])) }, 'kiosk-1', raw)).toBe(false);
    expect(verifyTreeHead(signed, 'kiosk-1', new Uint8Array(32))).toBe(false);
    expect(verifyDeviceSignature(raw, new Uint8Array(1), new Uint8Array(10))).toBe(false);
  });
});

describe('document pseudonyms', () => {
  const key = new Uint8Array(32).fill(7);

  it('is HMAC-SHA-256 over "type:NUMBER" with the check character upper-cased', () => {
    const mac = createHmac('sha256', key).update('ID:11010519491231002X').digest('hex');
    expect(hex(documentPseudonym(key, { type: 'ID', number: '11010519491231002x' }))).toBe(mac);
    expect(documentPseudonym(key, { type: 'ID', number: '11010519491231002X' })).toEqual(
      documentPseudonym(key, { type: 'ID', number: '11010519491231002x' }),
    );
  });

  it('differs per device key and per document type', () => {
    const doc = { type: 'ID', number: '110105194912310021' };
    expect(documentPseudonym(key, doc)).not.toEqual(documentPseudonym(new Uint8Array(32).fill(8), doc));
    expect(documentPseudonym(key, doc)).not.toEqual(documentPseudonym(key, { ...doc, type: 'PASSPORT' }));
  });
});

describe('HmacSha256', () => {
  it('gives RFC 4231 test case 2 and the key-longer-than-a-block case 6', () => {
    expect(hex(new HmacSha256(new TextEncoder().encode('Jefe')).mac('what do ya want for nothing?'))).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
    expect(hex(new HmacSha256(new Uint8Array(131).fill(0xaa)).mac('Test Using Larger Than Block-Size Key - Hash Key First'))).toBe(
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    );
  });

  it('equals node:crypto createHmac for any key and message, reusing one instance', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 150 }), fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 700 }), fc.uint8Array({ maxLength: 700 })), { maxLength: 4 }), (key, messages) => {
        const mac = new HmacSha256(key);
        for (const m of messages) expect(hex(mac.mac(m))).toBe(createHmac('sha256', key).update(m).digest('hex'));
      }),
      { numRuns: 300 },
    );
  });
});

describe('a verdict as the kiosk hands it over', () => {
  it('fits the verification event as it is (types and schema)', () => {
    const verdict: Verdict = { result: 'invalid', reasons: ['bad_signature', 'expired'], format: 'eid', kid: '00112233aabbccdd' };
    const event: AuditEvent = { kind: 'verification', result: verdict.result, reasons: verdict.reasons, format: verdict.format, kid: verdict.kid, source: 'qr' };
    expect(parseEvent(event)).toMatchObject({ result: 'invalid', reasons: ['bad_signature', 'expired'] });
    for (const reason of REASONS) expect(parseEvent({ kind: 'verification', result: 'invalid', reasons: [reason] }).kind).toBe('verification');
    for (const result of RESULTS) expect(parseEvent({ kind: 'verification', result, reasons: [] }).kind).toBe('verification');
  });
});
