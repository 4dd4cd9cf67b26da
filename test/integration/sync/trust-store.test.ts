// The lists in force over a real store: baseline on first boot, updates committed before they
// are used (a failed commit leaves the old list), rollback refused across restarts, USB files.
import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../../main/store/index.js';
import { KioskTrust, type ListUpdate } from '../../../main/sync/trust-store.js';
import { signStatusDelta, signStatusList, signTrustList } from '../../../tools/issuer/lists.js';
import { tempDir, type TempDir } from '../store/fixtures.js';
import { DAY, NOW, anchorsOf, issuerKey, salt } from '../../unit/trust/fixtures.js';

const bureau = issuerKey('bureau');
const rotated = issuerKey('bureau-rotated', 'EdDSA');
const foreign = issuerKey('foreign');
const issuer = issuerKey('issuer-alpha');
const anchors = anchorsOf(bureau);

const tl = (seq: number, key = bureau) => signTrustList(key, { seq, iat: NOW, nu: NOW + seq * DAY, keys: [{ iss: 'CN-Bureau-A', spki: issuer.spki }] });
const SALT = salt(3);
const doc = { dt: 'CN-RIC', dn: '11010519491231002X' };
const other = { dt: 'CN-RIC', dn: '110101199003074477' };
const sl = (seq: number, documents = [doc]) => signStatusList(bureau, { seq, iat: NOW, nu: NOW + DAY, salt: SALT, documents });
const sld = (seq: number, base: number, add = [other]) => signStatusDelta(bureau, { seq, base, iat: NOW, nu: NOW + DAY, salt: SALT, add });

let dir: TempDir;
let path: string;
const open: Store[] = [];
beforeEach(() => {
  dir = tempDir('verikiosk-sync-');
  path = dir.file('kiosk.db');
});
afterEach(() => {
  for (const store of open.splice(0)) store.close();
  dir.remove();
});

function reopen(): Store {
  const store = openStore(path);
  open.push(store);
  return store;
}

function closeAll(): void {
  for (const store of open.splice(0)) store.close();
}

describe('KioskTrust at boot', () => {
  it('puts the shipped baseline in force on first boot, and the stored list afterwards', () => {
    const first = KioskTrust.open({ store: reopen(), anchors, baseline: { TL1: tl(3) } });
    expect(first.seq('TL1')).toBe(3);
    expect(first.bootUpdates).toEqual([{ list: 'TL1', outcome: 'accepted', seq: 3, source: 'baseline' }]);
    expect(first.trust?.findKey(issuer.kid)?.issuer).toBe('CN-Bureau-A');
    first.offer('TL1', tl(5));
    closeAll();

    const second = KioskTrust.open({ store: reopen(), anchors, baseline: { TL1: tl(3) } });
    expect(second.seq('TL1')).toBe(5);
    expect(second.bootUpdates).toEqual([]);
    expect(second.nu('TL1')).toBe(NOW + 5 * DAY);
    expect(second.freshness('TL1', NOW)).toMatchObject({ state: 'fresh', secondsLeft: 5 * DAY + 72 * 3600 });
  });

  it('boots with no list at all when neither store nor baseline has one', () => {
    const trust = KioskTrust.open({ store: reopen(), anchors });
    expect(trust.trust).toBeUndefined();
    expect(trust.status).toBeUndefined();
    expect(trust.freshness('SL1', NOW)).toBeUndefined();
  });

  it('drops a stored list the anchors no longer verify, and takes a baseline the new anchor signed', () => {
    KioskTrust.open({ store: reopen(), anchors }).offer('TL1', tl(4));
    closeAll();
    const trust = KioskTrust.open({ store: reopen(), anchors: anchorsOf(rotated), baseline: { TL1: tl(6, rotated) } });
    expect(trust.bootUpdates).toEqual([
      expect.objectContaining({ list: 'TL1', outcome: 'refused', error: 'unknown_anchor', source: 'store', seq: 4 }),
      { list: 'TL1', outcome: 'accepted', seq: 6, source: 'baseline' },
    ]);
    expect(trust.seq('TL1')).toBe(6);
  });
});

describe('KioskTrust updates', () => {
  it('refuses a rollback after a restart, also once the list itself was lost, keeping the old list', () => {
    KioskTrust.open({ store: reopen(), anchors }).offer('TL1', tl(7));
    closeAll();

    const store = reopen();
    const trust = KioskTrust.open({ store, anchors });
    const updates: ListUpdate[] = [];
    trust.on('list_update', (u) => updates.push(u));
    expect(trust.offer('TL1', tl(6))).toMatchObject({ outcome: 'refused', error: 'rolled_back', seq: 6 });
    expect(trust.seq('TL1')).toBe(7);
    expect(updates).toEqual([expect.objectContaining({ list: 'TL1', outcome: 'refused', error: 'rolled_back' })]);

    store.trust.forget('TL1');
    closeAll();
    const bare = KioskTrust.open({ store: reopen(), anchors, baseline: { TL1: tl(2) } });
    expect(bare.seq('TL1')).toBeUndefined();
    expect(bare.bootUpdates).toEqual([expect.objectContaining({ outcome: 'refused', error: 'rolled_back', source: 'baseline' })]);
    expect(bare.offer('TL1', tl(6)).error).toBe('rolled_back');
    expect(bare.offer('TL1', tl(7)).outcome).toBe('accepted');
  });

  it('refuses foreign-signed lists and answers the same publication as unchanged', () => {
    const trust = KioskTrust.open({ store: reopen(), anchors });
    expect(trust.offer('TL1', tl(3)).outcome).toBe('accepted');
    expect(trust.offer('TL1', tl(3)).outcome).toBe('unchanged');
    expect(trust.offer('TL1', tl(9, foreign))).toMatchObject({ outcome: 'refused', error: 'unknown_anchor' });
    expect(trust.offer('SL1', tl(9))).toMatchObject({ outcome: 'refused', error: 'wrong_list_kind' });
    expect(trust.seq('TL1')).toBe(3);
  });

  it('leaves the old list in force, in memory and on disk, when the commit fails', () => {
    const store = reopen();
    const trust = KioskTrust.open({ store, anchors });
    trust.offer('SL1', sl(10));
    const before = trust.status;
    const replace = store.trust.replace;
    store.trust.replace = () => {
      throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' });
    };
    expect(() => trust.offer('SL1', sld(11, 10))).toThrow('disk I/O error');
    expect(() => trust.offer('TL1', tl(4))).toThrow('disk I/O error');
    store.trust.replace = replace;
    expect(trust.status).toBe(before);
    expect(trust.seq('SL1')).toBe(10);
    expect(trust.trust).toBeUndefined();
    expect(trust.status?.holds(other.dt, other.dn)).toBe(false);
    closeAll();

    const again = KioskTrust.open({ store: reopen(), anchors });
    expect(again.seq('SL1')).toBe(10);
    // The same delta, offered again once the disk works, applies.
    expect(again.offer('SL1', sld(11, 10)).outcome).toBe('accepted');
  });

  it('applies status deltas and restores them after a restart', () => {
    const trust = KioskTrust.open({ store: reopen(), anchors });
    trust.offer('SL1', sl(20));
    expect(trust.offer('SL1', sld(22, 21))).toMatchObject({ outcome: 'refused', error: 'delta_base_mismatch' });
    expect(trust.offer('SL1', sld(21, 20))).toMatchObject({ outcome: 'accepted', seq: 21 });
    closeAll();
    const restored = KioskTrust.open({ store: reopen(), anchors });
    expect(restored.seq('SL1')).toBe(21);
    expect(restored.status?.holds(doc.dt, doc.dn)).toBe(true);
    expect(restored.status?.holds(other.dt, other.dn)).toBe(true);
  });

  it('loads lists from files (a USB stick), reading their kind from them', async () => {
    const trust = KioskTrust.open({ store: reopen(), anchors });
    writeFileSync(dir.file('tl.cose'), tl(8));
    writeFileSync(dir.file('sl.cose'), sl(30));
    writeFileSync(dir.file('junk.cose'), 'not a list');
    expect(await trust.loadListFile(dir.file('tl.cose'))).toEqual({ list: 'TL1', outcome: 'accepted', seq: 8, source: 'file' });
    expect(await trust.loadListFile(dir.file('sl.cose'))).toEqual({ list: 'SL1', outcome: 'accepted', seq: 30, source: 'file' });
    await expect(trust.loadListFile(dir.file('junk.cose'))).rejects.toMatchObject({ code: 'malformed_list' });
    await expect(trust.loadListFile(dir.file('missing.cose'))).rejects.toThrow(/ENOENT/);
    expect(trust.seq('TL1')).toBe(8);
  });
});
