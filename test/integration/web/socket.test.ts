// Browser mode's WebSocket on loopback with a stand-in kiosk service: the per-start token, the
// origin check, zod validation before the service, pushes, and garbage that closes one client only.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandResult } from '../../../main/api/contract.js';
import { startWebServer } from '../../../main/web/index.js';
import type { WebServer } from '../../../main/web/index.js';
import { FakeKiosk, OPERATOR, WAITING } from '../../support/fake-kiosk.js';
import { connect, makeRendererDir } from './helpers.js';
import type { RendererFixture, ScreenClient } from './helpers.js';

let fixture: RendererFixture;
let kiosk: FakeKiosk;
let server: WebServer;
const open: ScreenClient[] = [];

beforeEach(async () => {
  fixture = makeRendererDir();
  kiosk = new FakeKiosk();
  server = await startWebServer({ service: kiosk, rendererDir: fixture.root, port: 0, maxMessageBytes: 8192 });
});
afterEach(async () => {
  for (const c of open.splice(0)) c.ws.terminate();
  await server.close();
  fixture.remove();
});

const token = () => new URL(server.url).searchParams.get('token') ?? '';
const wsUrl = (t: string | undefined) => `ws://127.0.0.1:${server.port}/ws${t === undefined ? '' : `?token=${encodeURIComponent(t)}`}`;

async function screen(): Promise<ScreenClient> {
  const h = await connect(wsUrl(token()), server.origin);
  if (!('opened' in h)) throw new Error(`handshake refused: ${h.refused}`);
  const client = h.opened;
  open.push(client);
  expect(await client.next()).toEqual({ kind: 'state', state: WAITING });
  return client;
}

describe('startWebServer: the WebSocket handshake', () => {
  it('refuses a missing or wrong token with 401', async () => {
    expect(await connect(wsUrl(undefined), server.origin)).toEqual({ refused: 401 });
    expect(await connect(wsUrl(''), server.origin)).toEqual({ refused: 401 });
    expect(await connect(wsUrl(token().slice(0, -1)), server.origin)).toEqual({ refused: 401 });
    expect(await connect(wsUrl(`${token()}x`), server.origin)).toEqual({ refused: 401 });
  });

  it('refuses another origin, or none, with 403 even with the token', async () => {
    expect(await connect(wsUrl(token()), 'http://evil.example')).toEqual({ refused: 403 });
    expect(await connect(wsUrl(token()), `http://localhost:${server.port}`)).toEqual({ refused: 403 });
    expect(await connect(wsUrl(token()), 'null')).toEqual({ refused: 403 });
    expect(await connect(wsUrl(token()), undefined)).toEqual({ refused: 403 });
  });

  it('makes a new token at each start', async () => {
    const other = await startWebServer({ service: new FakeKiosk(), rendererDir: fixture.root });
    try {
      const otherToken = new URL(other.url).searchParams.get('token');
      expect(otherToken).not.toBe(token());
      expect(await connect(wsUrl(otherToken ?? ''), server.origin)).toEqual({ refused: 401 });
    } finally {
      await other.close();
    }
  });

  it('accepts the token from its own origin and sends the current state first', async () => {
    await screen();
  });
});

describe('startWebServer: commands', () => {
  it('answers getState with the id it was asked under', async () => {
    const c = await screen();
    c.send({ id: 7, kind: 'getState' });
    expect(await c.next()).toEqual({ kind: 'state', id: 7, state: WAITING });
  });

  it('passes a valid command to the service and returns its result', async () => {
    kiosk.answer = async () => ({ ok: false, error: 'wrong_pin', attemptsLeft: 2 });
    const c = await screen();
    c.send({ id: 1, kind: 'command', command: { type: 'operatorLogin', pin: '123456' } });
    expect(await c.next()).toEqual({ kind: 'result', id: 1, result: { ok: false, error: 'wrong_pin', attemptsLeft: 2 } });
    expect(kiosk.received).toEqual([{ type: 'operatorLogin', pin: '123456' }]);
  });

  it('answers invalid_command to anything the contract does not allow, without reaching the service', async () => {
    const c = await screen();
    const bad: unknown[] = [
      { type: 'setLanguage', language: 'fr' },
      { type: 'operatorLogin', pin: '12ab' },
      { type: 'wedgeScan', text: '' },
      { type: 'simulate', step: { action: 'presentCode', sample: 'valid', via: 'keyboard' } },
      { type: 'shutdown' },
      'syncNow',
      null,
    ];
    for (const [i, command] of bad.entries()) {
      c.send({ id: i, kind: 'command', command });
      expect(await c.next()).toEqual({ kind: 'result', id: i, result: { ok: false, error: 'invalid_command' } });
    }
    expect(kiosk.received).toEqual([]);
  });

  it('strips fields the contract does not name before the service sees the command', async () => {
    const c = await screen();
    c.send({ id: 3, kind: 'command', command: { type: 'syncNow', extra: 'x' } });
    await c.next();
    expect(kiosk.received).toEqual([{ type: 'syncNow' }]);
  });

  it('answers failed when the service throws, and keeps serving', async () => {
    kiosk.answer = async () => {
      throw new Error('disk full');
    };
    const c = await screen();
    c.send({ id: 4, kind: 'command', command: { type: 'syncNow' } });
    expect(await c.next()).toEqual({ kind: 'result', id: 4, result: { ok: false, error: 'failed' } });
    c.send({ id: 5, kind: 'getState' });
    expect((await c.next()).kind).toBe('state');
  });
});

describe('startWebServer: pushes', () => {
  it('pushes every state change and operator status to each connected screen', async () => {
    const a = await screen();
    const b = await screen();
    const reading = { ...WAITING, screen: 'reading', reading: { source: 'card-reader' } } as const;
    kiosk.push(reading);
    kiosk.pushOperator(OPERATOR);
    for (const c of [a, b]) {
      expect(await c.next()).toEqual({ kind: 'state', state: reading });
      expect(await c.next()).toEqual({ kind: 'operator', status: OPERATOR });
    }
  });

  it('stops listening to the service when closed', async () => {
    expect(kiosk.listenerCount('state')).toBe(1);
    const c = await screen();
    await server.close();
    expect((await c.closed).code).toBe(1001);
    expect(kiosk.listenerCount('state')).toBe(0);
    expect(kiosk.listenerCount('operator')).toBe(0);
  });
});

describe('startWebServer: a misbehaving client', () => {
  const garbage: Array<[string, (c: ScreenClient) => void, number]> = [
    ['not JSON', (c) => c.send('{"id":1,'), 1008],
    ['JSON of the wrong shape', (c) => c.send({ id: 'one', kind: 'getState' }), 1008],
    ['an unknown kind', (c) => c.send({ id: 1, kind: 'eval', code: '1' }), 1008],
    ['extra envelope fields', (c) => c.send({ id: 1, kind: 'getState', admin: true }), 1008],
    ['a binary frame', (c) => c.ws.send(Buffer.from([1, 2, 3])), 1003],
    ['an oversized message', (c) => c.send({ id: 1, kind: 'command', command: { type: 'wedgeScan', text: 'A'.repeat(9000) } }), 1009],
  ];

  for (const [what, misbehave, code] of garbage) {
    it(`is closed for ${what}; the server and other screens carry on`, async () => {
      const bystander = await screen();
      const rogue = await screen();
      misbehave(rogue);
      expect((await rogue.closed).code).toBe(code);
      expect(kiosk.received).toEqual([]);
      bystander.send({ id: 9, kind: 'getState' });
      expect(await bystander.next()).toEqual({ kind: 'state', id: 9, state: WAITING });
      await screen();
    });
  }

  it('closes a client that floods requests without waiting for answers', async () => {
    const pending: Array<(r: CommandResult) => void> = [];
    kiosk.answer = () => new Promise((resolve) => pending.push(resolve));
    const c = await screen();
    for (let i = 0; i < 20; i++) c.send({ id: i, kind: 'command', command: { type: 'syncNow' } });
    expect((await c.closed).code).toBe(1008);
    for (const resolve of pending) resolve({ ok: true });
  });

  it('limits how many screens may connect at once', async () => {
    for (let i = 0; i < 4; i++) await screen();
    expect(await connect(wsUrl(token()), server.origin)).toEqual({ refused: 503 });
  });

  it('answers 426 to a plain GET of /ws', async () => {
    const res = await fetch(`${server.origin}/ws`);
    expect(res.status).toBe(426);
  });
});
