// The session state machine on its own: every transition and each edge case of session.ts's
// header, with fake timers and read/verify steps the test resolves by hand.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Session, type Presented, type SessionSnapshot, type VerdictContent } from '../../../main/kiosk/session.js';

type Doc = Presented & { readonly label: string };

function deferred<T>(): { promise: Promise<T>; resolve(value: T): void; reject(error: unknown): void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const VALID: VerdictContent = { result: 'valid', reasons: [], source: 'qr-scanner', format: 'eid' };

function makeSession(overrides: { manualRead?: boolean; manualVerify?: boolean; verify?: (doc: Doc) => VerdictContent } = {}) {
  const snapshots: SessionSnapshot[] = [];
  const reads: Array<ReturnType<typeof deferred<Doc>>> = [];
  const verifies: Array<ReturnType<typeof deferred<VerdictContent>>> = [];
  const abandoned: Doc[] = [];
  const errors: unknown[] = [];
  const verified: string[] = [];
  const session = new Session<Doc, Doc>({
    read: (doc) => {
      if (!overrides.manualRead) return doc;
      const d = deferred<Doc>();
      reads.push(d);
      return d.promise;
    },
    verify: (doc) => {
      verified.push(doc.label);
      if (!overrides.manualVerify) return overrides.verify?.(doc) ?? { ...VALID, source: doc.source };
      const d = deferred<VerdictContent>();
      verifies.push(d);
      return d.promise;
    },
    verdictSeconds: 5,
    maxHoldSeconds: 60,
    debounceMs: 2000,
    onChange: (s) => snapshots.push(s),
    onAbandoned: (doc) => abandoned.push(doc),
    onError: (err) => errors.push(err),
  });
  return { session, snapshots, reads, verifies, abandoned, errors, verified };
}

const scan = (label: string, text = label): Doc => ({ label, source: 'qr-scanner', debounceKey: text });
const cardDoc = (label: string): Doc => ({ label, source: 'card-reader' });
const settle = async (ms = 0) => {
  await vi.advanceTimersByTimeAsync(ms);
};

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(1_750_000_000_000);
});
afterEach(() => vi.useRealTimers());

describe('Session transitions', () => {
  it('goes waiting → reading → verifying → verdict → waiting after verdictSeconds', async () => {
    const { session, snapshots, reads, verifies } = makeSession({ manualRead: true, manualVerify: true });
    expect(session.snapshot).toEqual({ screen: 'waiting' });
    expect(session.present(scan('a'))).toBe('accepted');
    expect(session.snapshot).toEqual({ screen: 'reading', reading: { source: 'qr-scanner' } });
    reads[0]!.resolve(scan('a'));
    await settle();
    expect(session.snapshot).toEqual({ screen: 'verifying', reading: { source: 'qr-scanner' } });
    verifies[0]!.resolve(VALID);
    await settle();
    const verdict = session.verdict!;
    expect(verdict).toMatchObject({ result: 'valid', held: false, at: Date.now(), clearsAt: Date.now() + 5000 });
    expect(verdict.id).toMatch(/^[0-9a-f-]{36}$/);
    await settle(4999);
    expect(session.snapshot.screen).toBe('verdict');
    await settle(1);
    expect(session.snapshot).toEqual({ screen: 'waiting' });
    expect(snapshots.map((s) => s.screen)).toEqual(['reading', 'verifying', 'verdict', 'waiting']);
  });

  it('holdVerdict keeps the verdict past its time, until dismissed or maxHoldSeconds', async () => {
    const { session } = makeSession();
    session.present(scan('a'));
    await settle();
    const { id } = session.verdict!;
    expect(session.hold(id)).toBe(true);
    expect(session.verdict).toMatchObject({ held: true });
    expect(session.verdict!.clearsAt).toBeUndefined();
    await settle(30_000);
    expect(session.verdict?.id).toBe(id);
    await settle(30_000);
    expect(session.snapshot.screen).toBe('waiting');
  });

  it('dismisses a verdict by id only while it is the one on screen', async () => {
    const { session } = makeSession();
    session.present(scan('a'));
    await settle();
    const first = session.verdict!.id;
    expect(session.dismiss('not-the-id')).toBe(false);
    session.present(scan('b'));
    await settle();
    const second = session.verdict!.id;
    expect(second).not.toBe(first);
    // A late click on the first verdict touches neither it nor the next one.
    expect(session.dismiss(first)).toBe(false);
    expect(session.hold(first)).toBe(false);
    expect(session.verdict!.id).toBe(second);
    expect(session.dismiss(second)).toBe(true);
    expect(session.snapshot).toEqual({ screen: 'waiting' });
    expect(session.dismiss(second)).toBe(false);
  });

  it('an auto-clear timer of a replaced verdict does not clear its successor early', async () => {
    const { session } = makeSession();
    session.present(scan('a'));
    await settle(4000);
    session.present(scan('b'));
    await settle(1500);
    expect(session.snapshot.screen).toBe('verdict');
    await settle(3500);
    expect(session.snapshot.screen).toBe('waiting');
  });
});

describe('Session edge cases', () => {
  it('card and code at once: the first wins, the second is ignored as busy (not queued)', async () => {
    const { session, reads, verified } = makeSession({ manualRead: true });
    expect(session.present(cardDoc('card'))).toBe('accepted');
    expect(session.present(scan('code'))).toBe('busy');
    reads[0]!.resolve(cardDoc('card'));
    await settle();
    expect(session.verdict?.source).toBe('card-reader');
    await settle(10_000);
    expect(verified).toEqual(['card']);
    expect(reads).toHaveLength(1);
  });

  it('is busy while verifying too', async () => {
    const { session, verifies } = makeSession({ manualVerify: true });
    session.present(scan('a'));
    await settle();
    expect(session.snapshot.screen).toBe('verifying');
    expect(session.present(cardDoc('card'))).toBe('busy');
    verifies[0]!.resolve(VALID);
    await settle();
    expect(session.snapshot.screen).toBe('verdict');
  });

  it('the same code within the debounce window is one scan; the window slides with each sighting', async () => {
    const { session, verified } = makeSession();
    expect(session.present(scan('a', 'SAME'))).toBe('accepted');
    await settle(1500);
    expect(session.present(scan('a2', 'SAME'))).toBe('duplicate');
    await settle(1500); // 3 s after the first, 1.5 s after the last sighting
    expect(session.present(scan('a3', 'SAME'))).toBe('duplicate');
    await settle(2000);
    expect(session.present(scan('a4', 'SAME'))).toBe('accepted');
    await settle();
    expect(verified).toEqual(['a', 'a4']);
  });

  it('a different code during an unheld verdict replaces it at once', async () => {
    const { session, verified } = makeSession();
    session.present(scan('a'));
    await settle();
    const first = session.verdict!.id;
    expect(session.present(scan('b'))).toBe('accepted');
    await settle();
    expect(session.verdict!.id).not.toBe(first);
    expect(verified).toEqual(['a', 'b']);
  });

  it('a held verdict is not replaced: new documents are refused as held', async () => {
    const { session, verified } = makeSession();
    session.present(scan('a'));
    await settle();
    const { id } = session.verdict!;
    session.hold(id);
    expect(session.present(scan('b'))).toBe('held');
    expect(session.present(cardDoc('c'))).toBe('held');
    await settle();
    expect(session.verdict!.id).toBe(id);
    session.dismiss(id);
    expect(session.present(cardDoc('c'))).toBe('accepted');
    await settle();
    expect(verified).toEqual(['a', 'c']);
  });

  it('its device going away mid-read abandons the document: back to waiting, no verdict', async () => {
    const { session, reads, abandoned, verified } = makeSession({ manualRead: true });
    session.present(cardDoc('card'));
    expect(session.deviceLost('qr-scanner')).toBe(false);
    expect(session.snapshot.screen).toBe('reading');
    expect(session.deviceLost('card-reader')).toBe(true);
    expect(session.snapshot).toEqual({ screen: 'waiting' });
    expect(abandoned.map((d) => d.label)).toEqual(['card']);
    reads[0]!.resolve(cardDoc('card')); // the read that finishes late is dropped
    await settle();
    expect(session.snapshot).toEqual({ screen: 'waiting' });
    expect(verified).toEqual([]);
    // The kiosk is free for the next document.
    expect(session.present(scan('b'))).toBe('accepted');
  });

  it('once verification has begun, losing the device does not stop the verdict', async () => {
    const { session, verifies } = makeSession({ manualVerify: true });
    session.present(cardDoc('card'));
    await settle();
    expect(session.snapshot.screen).toBe('verifying');
    expect(session.deviceLost('card-reader')).toBe(false);
    verifies[0]!.resolve({ ...VALID, source: 'card-reader', format: 'card' });
    await settle();
    expect(session.verdict?.format).toBe('card');
  });

  it('a verify step that throws returns to waiting and reports the error', async () => {
    const { session, verifies, errors } = makeSession({ manualVerify: true });
    session.present(scan('a'));
    await settle();
    verifies[0]!.reject(new Error('disk full'));
    await settle();
    expect(session.snapshot).toEqual({ screen: 'waiting' });
    expect(errors).toHaveLength(1);
  });

  it('amends only the verdict still on screen', async () => {
    const { session } = makeSession();
    session.present(scan('a'));
    await settle();
    const first = session.verdict!.id;
    const holder = { name: 'x', maskedNumber: '', documentType: 'CN-RIC', fields: [], photo: 'data:image/jpeg;base64,AA==' };
    expect(session.amend(first, { holder })).toBe(true);
    expect(session.verdict!.holder?.photo).toBe(holder.photo);
    session.present(scan('b'));
    await settle();
    expect(session.amend(first, { holder })).toBe(false);
    expect(session.verdict!.holder).toBeUndefined();
  });
});

describe('per-document debounce window', () => {
  it('a document may ask for a longer window than the session’s (the camera does)', async () => {
    const { session, verified } = makeSession();
    const seen = (label: string): Doc => ({ label, source: 'camera', debounceKey: 'CODE', debounceMs: 6000 });
    session.present(seen('a'));
    await settle(4000);
    expect(session.present(seen('b'))).toBe('duplicate');
    await settle(6000);
    expect(session.present(seen('c'))).toBe('accepted');
    await settle();
    expect(verified).toEqual(['a', 'c']);
  });
});
