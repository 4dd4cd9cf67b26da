// The misbehaviour switches through the admin endpoints: each does what API.md says, the seed
// makes the sequence of faults reproducible, and admin requests need the bearer token.
import { request as httpRequest, Agent } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, admin, call, enrolKiosk, makeKiosk, startTestBureau, upload, type TestBureau, type TestKiosk } from './fixtures.js';

let t: TestBureau;
let kiosk: TestKiosk;
beforeEach(async () => {
  t = await startTestBureau();
  kiosk = makeKiosk(t.bureau.sealPublicKey);
  await enrolKiosk(t.bureau, kiosk);
  await kiosk.appendVerifications(10);
});
afterEach(async () => {
  kiosk.store.close();
  await t.stop();
});

const setFaults = async (faults: Record<string, number>): Promise<void> => {
  const reply = await admin(t.bureau, '/admin/faults', faults);
  expect(reply.status).toBe(200);
};
const stored = () => t.bureau.records(kiosk.deviceId).length;
const timeUrl = () => `${t.bureau.url}/v1/time?nonce=${'01'.repeat(16)}`;

describe('admin endpoints', () => {
  it('need the bearer token given at start-up', async () => {
    expect((await admin(t.bureau, '/admin/faults', { dropRate: 1 }, 'wrong')).status).toBe(401);
    expect((await call(`${t.bureau.url}/admin/faults`, { body: { dropRate: 1 } })).json.error).toBe('unauthorized');
    expect(t.bureau.faults().dropRate).toBe(0);
    const bad = await admin(t.bureau, '/admin/faults', { dropRate: 2 });
    expect(bad.status).toBe(400);
    const tokenless = await startTestBureau({ adminToken: undefined });
    expect((await admin(tokenless.bureau, '/admin/faults', { dropRate: 1 }, ADMIN_TOKEN)).status).toBe(401);
    await tokenless.stop();
  });

  it('replace the switches as a whole and report them', async () => {
    await setFaults({ errorRate: 0.5, delayMs: 3 });
    await setFaults({ dropRate: 0.25 });
    expect((await admin(t.bureau, '/admin/faults')).json).toEqual({
      dropRate: 0.25,
      delayMs: 0,
      errorRate: 0,
      answerTwiceRate: 0,
      lostAnswerRate: 0,
      seed: 1,
    });
  });
});

describe('misbehaviour', () => {
  it('dropRate drops the connection without processing', async () => {
    await setFaults({ dropRate: 1 });
    await expect(upload(t.bureau, kiosk.deviceId, kiosk.batch(1, 10))).rejects.toThrow();
    expect(stored()).toBe(0);
    expect(t.logLines().some((l) => l.fault === 'drop')).toBe(true);
    await setFaults({});
    expect((await upload(t.bureau, kiosk.deviceId, kiosk.batch(1, 10))).json).toEqual({ highWater: 10 });
  });

  it('errorRate answers 503 without processing', async () => {
    await setFaults({ errorRate: 1 });
    const reply = await upload(t.bureau, kiosk.deviceId, kiosk.batch(1, 10));
    expect(reply.status).toBe(503);
    expect(reply.json.error).toBe('unavailable');
    expect(stored()).toBe(0);
    expect((await call(timeUrl())).status).toBe(503);
  });

  it('delayMs holds every answer back', async () => {
    await setFaults({ delayMs: 120 });
    const started = performance.now();
    expect((await call(timeUrl())).status).toBe(200);
    // A timer never fires early: this is what the switch does, not a performance figure.
    expect(performance.now() - started).toBeGreaterThanOrEqual(115);
  });

  it('answerTwiceRate processes a request twice and answers the second time', async () => {
    await setFaults({ answerTwiceRate: 1 });
    const reply = await upload(t.bureau, kiosk.deviceId, kiosk.batch(1, 10));
    expect(reply.json).toEqual({ highWater: 10 });
    expect(stored()).toBe(10);
    // The answer came from the second pass, which found the batch already stored.
    const line = t.logLines().find((l) => l.route === 'audit');
    expect(line).toMatchObject({ fault: 'answer_twice', stored: 0, highWater: 10, status: 200 });
    // Enrolment, processed twice, is still one enrolment.
    const other = makeKiosk(t.bureau.sealPublicKey);
    expect((await enrolKiosk(t.bureau, other)).status).toBe(201);
    expect(t.bureau.devices()).toHaveLength(2);
    other.store.close();
  });

  it('lostAnswerRate processes the request and then drops the connection', async () => {
    await setFaults({ lostAnswerRate: 1 });
    await expect(upload(t.bureau, kiosk.deviceId, kiosk.batch(1, 10))).rejects.toThrow();
    expect(stored()).toBe(10);
    expect(t.bureau.audit(kiosk.deviceId).highWater).toBe(10);
    await setFaults({});
    // The kiosk retries a batch that did succeed: the same answer, nothing stored twice.
    expect((await upload(t.bureau, kiosk.deviceId, kiosk.batch(1, 10))).json).toEqual({ highWater: 10 });
    expect(stored()).toBe(10);
  });

  it('draws the same faults for the same seed', async () => {
    const outcomes = async (seed: number): Promise<string[]> => {
      await setFaults({ dropRate: 0.3, errorRate: 0.3, lostAnswerRate: 0.2, seed });
      const seen: string[] = [];
      for (let i = 0; i < 30; i++) {
        seen.push(await call(timeUrl()).then((r) => String(r.status), () => 'dropped'));
      }
      return seen;
    };
    const first = await outcomes(42);
    expect(new Set(first)).toEqual(new Set(['200', '503', 'dropped']));
    expect(await outcomes(42)).toEqual(first);
    expect(await outcomes(7)).not.toEqual(first);
  });

  it('restart closes every connection and reopens the database with its state', async () => {
    await upload(t.bureau, kiosk.deviceId, kiosk.batch(1, 6));
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const { port, hostname } = new URL(t.bureau.url);
    // Wrapped: a promise resolved with a promise would wait for the socket to close by itself.
    const kept = await new Promise<{ closed: Promise<void>; isOpen: () => boolean }>((resolve, reject) => {
      const req = httpRequest({ host: hostname, port, path: `/v1/devices/${kiosk.deviceId}/audit`, agent }, (res) => {
        res.resume();
        res.on('end', () => {
          const socket = req.socket!;
          resolve({ closed: new Promise<void>((closed) => socket.once('close', () => closed())), isOpen: () => !socket.destroyed });
        });
      });
      req.on('error', reject);
      req.end();
    });
    expect(kept.isOpen()).toBe(true);
    const reply = await admin(t.bureau, '/admin/restart', {});
    expect(reply.json).toEqual({ restarted: true });
    await kept.closed;
    agent.destroy();
    expect(t.logLines().some((l) => l.event === 'restart')).toBe(true);
    expect((await call(`${t.bureau.url}/v1/devices/${kiosk.deviceId}/audit`)).json).toMatchObject({ highWater: 6 });
    expect((await upload(t.bureau, kiosk.deviceId, kiosk.batch(1, 10))).json).toEqual({ highWater: 10 });
    expect(stored()).toBe(10);
  });
});
