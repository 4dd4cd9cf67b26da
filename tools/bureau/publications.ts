// What the bureau's anchor signs: TL1 and SL1 publications (full lists, and SL1 deltas built by
// diffing two published entry sets), and signed time answers carrying the kiosk's nonce.
import { randomBytes } from 'node:crypto';
import { loadAnchors, openSignedList, verifySignedList } from '../../main/trust/anchors.js';
import { parseStatusList } from '../../main/trust/status-list.js';
import { parseTrustList } from '../../main/trust/trust-list.js';
import { decodeCbor, encodeCbor } from '../../main/verify/cbor.js';
import {
  signCoseSign1,
  signStatusDelta,
  signStatusList,
  signTrustList,
  statusEntries,
  type IssuerKey,
  type StatusDocument,
  type TrustListEntryInput,
} from '../issuer/index.js';
import type { BureauDatabase, StatusListRow } from './db.js';
import { BureauError } from './wire.js';

const DAY_SECONDS = 86_400;
const ENTRY = 8;
/** How many seqs back a delta is still offered; older kiosks get the full list. */
export const DEFAULT_DELTA_WINDOW = 64;

export interface TrustListChange {
  /** The entries of the new list; absent: the entries in force, signed again under the next seq. */
  readonly keys?: readonly TrustListEntryInput[];
  /** Next scheduled update, seconds after publication. Default 7 days. */
  readonly nuSeconds?: number;
}

export interface StatusListChange {
  readonly revoke?: readonly StatusDocument[];
  readonly reinstate?: readonly StatusDocument[];
  /** The whole revoked set, replacing the entries in force (applied before revoke/reinstate). */
  readonly documents?: readonly StatusDocument[];
  /** A fresh salt: the bureau keeps only hashed entries, so this needs `documents`. */
  readonly newSalt?: boolean;
  readonly nuSeconds?: number;
}

export type StatusListAnswer =
  | { readonly variant: 'current'; readonly seq: number }
  | { readonly variant: 'full' | 'delta'; readonly seq: number; readonly bytes: Uint8Array };

/** Where the bureau's state lives right now (a restart swaps the database). */
export interface PublicationContext {
  readonly db: BureauDatabase;
  readonly anchor: IssuerKey;
  readonly anchorsPem: string;
  nowMs(): number;
}

export class Publications {
  constructor(
    private readonly context: () => PublicationContext,
    private readonly deltaWindow = DEFAULT_DELTA_WINDOW,
  ) {}

  trustList(): { readonly seq: number; readonly bytes: Uint8Array } {
    const list = this.context().db.latestTrustList();
    if (!list) throw new BureauError('not_published', 'no trust list has been published yet');
    return list;
  }

  /**
   * The answer to a kiosk holding seq `have`: nothing new, a delta from exactly `have`, or the
   * full list. A delta is signed on its first request and kept, so every kiosk gets the same
   * bytes; it is offered only within the window and when it is smaller than the full list.
   */
  statusListFor(have: number | undefined): StatusListAnswer {
    const { db } = this.context();
    const current = db.latestStatusList();
    if (!current) throw new BureauError('not_published', 'no status list has been published yet');
    if (have === current.seq) return { variant: 'current', seq: current.seq };
    const full = { variant: 'full', seq: current.seq, bytes: current.bytes } as const;
    if (have === undefined || have > current.seq || current.seq - have > this.deltaWindow) return full;
    const kept = db.statusDelta(have, current.seq);
    if (kept) return { variant: 'delta', seq: current.seq, bytes: kept };
    const base = db.statusList(have);
    if (!base || !Buffer.from(base.salt).equals(current.salt)) return full;
    const add = difference(current.entries, base.entries);
    const del = difference(base.entries, current.entries);
    if (add.length + del.length >= current.entries.length) return full;
    const bytes = signStatusDelta(this.context().anchor, {
      seq: current.seq,
      base: have,
      iat: current.iat,
      nu: current.nu,
      salt: current.salt,
      add,
      del,
      presorted: true,
    });
    db.putStatusDelta(have, current.seq, bytes);
    return { variant: 'delta', seq: current.seq, bytes };
  }

  publishTrustList(change: TrustListChange = {}): number {
    const { db, anchor, nowMs } = this.context();
    const current = db.latestTrustList();
    const keys = change.keys ?? (current ? trustListEntries(current.bytes) : []);
    const iat = Math.floor(nowMs() / 1000);
    const seq = (current?.seq ?? 0) + 1;
    const bytes = signTrustList(anchor, { seq, iat, nu: iat + (change.nuSeconds ?? 7 * DAY_SECONDS), keys });
    db.putTrustList(seq, bytes, nowMs());
    return seq;
  }

  publishStatusList(change: StatusListChange = {}): number {
    const { db, anchor, nowMs } = this.context();
    const current = db.latestStatusList();
    let salt = current?.salt;
    let entries = current?.entries ?? new Uint8Array(0);
    if (change.newSalt || !salt) {
      if (current && !change.documents) {
        throw new BureauError('malformed_request', 'a new salt needs the whole revoked set ("documents"): the bureau keeps only hashed entries');
      }
      salt = new Uint8Array(randomBytes(16));
    }
    if (change.documents) entries = statusEntries(salt, change.documents);
    if (change.revoke?.length) entries = statusEntries(salt, change.revoke, entries);
    if (change.reinstate?.length) entries = difference(entries, statusEntries(salt, change.reinstate));
    const iat = Math.floor(nowMs() / 1000);
    const nu = iat + (change.nuSeconds ?? 7 * DAY_SECONDS);
    const seq = (current?.seq ?? 0) + 1;
    const bytes = signStatusList(anchor, { seq, iat, nu, salt, entries, presorted: true });
    db.putStatusList({ seq, iat, nu, salt, entries, bytes }, nowMs());
    return seq;
  }

  /** Takes a TL1 signed elsewhere (the demo fixtures) as the next publication; it must verify with our anchors. */
  importTrustList(bytes: Uint8Array): number {
    const { db, anchorsPem, nowMs } = this.context();
    const list = parseTrustList(verifySignedList(bytes, loadAnchors(anchorsPem)).payload);
    const current = db.latestTrustList();
    if (current && list.seq <= current.seq) throw new Error(`trust list ${list.seq} is not newer than ${current.seq}`);
    db.putTrustList(list.seq, bytes, nowMs());
    return list.seq;
  }

  importStatusList(bytes: Uint8Array): number {
    const { db, anchorsPem, nowMs } = this.context();
    const document = parseStatusList(verifySignedList(bytes, loadAnchors(anchorsPem)).payload);
    if (document.kind !== 'full') throw new Error('only a full status list can be imported');
    const current = db.latestStatusList();
    if (current && document.seq <= current.seq) throw new Error(`status list ${document.seq} is not newer than ${current.seq}`);
    const row: StatusListRow = {
      seq: document.seq,
      iat: document.iat,
      nu: document.nu,
      salt: document.salt.slice(),
      entries: document.add.slice(),
      bytes,
    };
    db.putStatusList(row, nowMs());
    return document.seq;
  }

  /** COSE_Sign1 by the anchor over {"v": 1, "kind": "TIME", "time": ms, "nonce": nonce}. */
  signedTime(nonce: Uint8Array): Uint8Array {
    const { anchor, nowMs } = this.context();
    const payload = new Map<string, unknown>([
      ['v', 1],
      ['kind', 'TIME'],
      ['time', Math.max(0, Math.floor(nowMs()))],
      ['nonce', nonce],
    ]);
    return signCoseSign1(anchor, encodeCbor(payload));
  }
}

/** Entries of sorted run `a` not in sorted run `b` (both 8-byte entries, ascending). */
export function difference(a: Uint8Array, b: Uint8Array): Uint8Array {
  const left = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const right = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const out = Buffer.alloc(left.length);
  let written = 0;
  let j = 0;
  for (let i = 0; i < left.length; i += ENTRY) {
    while (j < right.length && right.compare(left, i, i + ENTRY, j, j + ENTRY) < 0) j += ENTRY;
    if (j < right.length && right.compare(left, i, i + ENTRY, j, j + ENTRY) === 0) continue;
    left.copy(out, written, i, i + ENTRY);
    written += ENTRY;
  }
  return new Uint8Array(out.buffer, out.byteOffset, written);
}

/** The entries of a signed TL1, as the issuer toolkit takes them to sign the list again. */
function trustListEntries(bytes: Uint8Array): TrustListEntryInput[] {
  // Read back from the bureau's own database: signed by us, so opened without a signature check.
  const payload = decodeCbor(openSignedList(bytes).payload);
  const keys = payload instanceof Map ? payload.get('keys') : undefined;
  if (!Array.isArray(keys)) throw new Error('the stored trust list has no keys array');
  return keys.map((raw: unknown) => {
    if (!(raw instanceof Map)) throw new Error('the stored trust list has an entry that is not a map');
    const get = <T>(key: string, guard: (v: unknown) => v is T): T | undefined => {
      const value: unknown = raw.get(key);
      return guard(value) ? value : undefined;
    };
    const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;
    const isText = (v: unknown): v is string => typeof v === 'string';
    const isInt = (v: unknown): v is number => typeof v === 'number';
    const isTexts = (v: unknown): v is string[] => Array.isArray(v) && v.every(isText);
    const spki = get('spki', isBytes);
    const x5c = get('x5c', isBytes);
    const kid = get('kid', isBytes);
    const dt = get('dt', isTexts);
    const nbf = get('nbf', isInt);
    const exp = get('exp', isInt);
    return {
      iss: get('iss', isText) ?? '',
      ...(spki ? { spki } : {}),
      ...(x5c ? { x5c } : {}),
      ...(kid ? { kid } : {}),
      ...(dt ? { dt } : {}),
      ...(nbf !== undefined ? { nbf } : {}),
      ...(exp !== undefined ? { exp } : {}),
      st: get('st', isText) ?? 'active',
    };
  });
}
