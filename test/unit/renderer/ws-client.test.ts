// Browser mode's KioskApi against a fake socket: request ids and answers, pushes, timeouts,
// reconnection with back-off, and the token taken out of the address bar.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { KioskState, OperatorStatus } from '../../../main/api/contract.js';
import { createWsKioskApi, kioskSocketUrl, takeToken, type LinkState, type SocketEvents, type SocketFactory } from '../../../renderer/api/ws-client.js';

/** One fake connection: what the client sent, and the server's side of it. */
class FakeSocket {
  readonly sent: Array<Record<string, unknown>> = [];
  closed = false;
  constructor(
    readonly url: string,
    private readonly events: SocketEvents,
  ) {}
  send(data: string): void {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close(): void {
    this.closed = true;
  }
  open(): void {
    this.events.open();
  }
  drop(): void {
    this.events.close();
  }
  push(message: unknown): void {
    this.events.message(JSON.stringify(message));
  }
  raw(data: string): void {
    this.events.message(data);
  }
}

function fakeServer() {
  const sockets: FakeSocket[] = [];
  const connect: SocketFactory = (url, events) => {
    const socket = new FakeSocket(url, events);
    sockets.push(socket);
    return socket;
  };
  return { sockets, connect, latest: () => sockets.at(-1)! };
}

const STATE: KioskState = { screen: 'waiting', language: 'zh-CN', site: { profile: 'hotel', name: 'Front desk' }, simulation: false, notices: [] };
const URL = 'ws://127.0.0.1:8080/ws?token=t';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createWsKioskApi', () => {
  test('requests made before the socket opens are sent once it does, each with its own id', async () => {
    const server = fakeServer();
    const api = createWsKioskApi({ url: URL, connect: server.connect });
    expect(server.latest().url).toBe(URL);
    const state = api.getState();
    const result = api.send({ type: 'setLanguage', language: 'en' });
    expect(server.latest().sent).toEqual([]);
    server.latest().open();
    const [first, second, refresh] = server.latest().sent;
    expect(first).toEqual({ id: 1, kind: 'getState' });
    expect(second).toEqual({ id: 2, kind: 'command', command: { type: 'setLanguage', language: 'en' } });
    // On every (re)connection the client asks for the state itself.
    expect(refresh).toEqual({ id: 3, kind: 'getState' });
    server.latest().push({ kind: 'result', id: 2, result: { ok: true } });
    server.latest().push({ kind: 'state', id: 1, state: STATE });
    await expect(state).resolves.toEqual(STATE);
    await expect(result).resolves.toEqual({ ok: true });
  });

  test('answers are matched by id, whatever their order', async () => {
    const server = fakeServer();
    const api = createWsKioskApi({ url: URL, connect: server.connect });
    server.latest().open();
    const a = api.send({ type: 'holdVerdict', id: 'a' });
    const b = api.send({ type: 'operatorLogin', pin: '1234' });
    const [idA, idB] = server.latest().sent.slice(-2).map((message) => message.id as number);
    server.latest().push({ kind: 'result', id: idB, result: { ok: false, error: 'wrong_pin', attemptsLeft: 2 } });
    server.latest().push({ kind: 'result', id: idA, result: { ok: true } });
    await expect(a).resolves.toEqual({ ok: true });
    await expect(b).resolves.toEqual({ ok: false, error: 'wrong_pin', attemptsLeft: 2 });
  });

  test('state and operator pushes reach their listeners until unsubscribed; junk is ignored', () => {
    const server = fakeServer();
    const api = createWsKioskApi({ url: URL, connect: server.connect });
    server.latest().open();
    const states: KioskState[] = [];
    const statuses: OperatorStatus[] = [];
    const stop = api.onState((state) => states.push(state));
    api.onOperator((status) => statuses.push(status));
    server.latest().push({ kind: 'state', state: STATE });
    server.latest().raw('not json');
    server.latest().raw('null');
    server.latest().push({ kind: 'operator', status: { deviceId: 'K1' } });
    stop();
    server.latest().push({ kind: 'state', state: { ...STATE, language: 'en' } });
    expect(states).toEqual([STATE]);
    expect(statuses).toEqual([{ deviceId: 'K1' }]);
  });

  test('a request unanswered in time is rejected with a timeout', async () => {
    const server = fakeServer();
    const api = createWsKioskApi({ url: URL, connect: server.connect, requestTimeoutMs: 2000 });
    server.latest().open();
    const pending = api.send({ type: 'syncNow' });
    const settled = expect(pending).rejects.toMatchObject({ name: 'KioskLinkError', code: 'timeout' });
    vi.advanceTimersByTime(2000);
    await settled;
    // A late answer to a timed-out request is dropped quietly.
    server.latest().push({ kind: 'result', id: 2, result: { ok: true } });
  });

  test('a dropped link rejects what was sent, reconnects with doubling back-off, and reports its state', async () => {
    const server = fakeServer();
    const api = createWsKioskApi({ url: URL, connect: server.connect, backoff: { initialMs: 100, maxMs: 400 } });
    const links: LinkState[] = [];
    api.onLink((link) => links.push(link));
    server.latest().open();
    const inFlight = api.send({ type: 'dismissVerdict', id: 'v1' });
    server.latest().drop();
    await expect(inFlight).rejects.toMatchObject({ code: 'disconnected' });
    expect(api.link).toBe('reconnecting');

    // Each failed attempt waits twice as long as the one before, up to maxMs.
    for (const delay of [100, 200, 400, 400]) {
      const before = server.sockets.length;
      vi.advanceTimersByTime(delay - 1);
      expect(server.sockets.length).toBe(before);
      vi.advanceTimersByTime(1);
      expect(server.sockets.length).toBe(before + 1);
      server.latest().drop();
    }
    vi.advanceTimersByTime(400);
    server.latest().open();
    expect(links).toEqual(['open', 'reconnecting', 'open']);
    expect(server.latest().sent).toEqual([{ id: expect.any(Number), kind: 'getState' }]);

    // Connected again: the next drop starts from the initial delay.
    server.latest().drop();
    const before = server.sockets.length;
    vi.advanceTimersByTime(100);
    expect(server.sockets.length).toBe(before + 1);
  });

  test('requests queued while reconnecting go out on the new socket', async () => {
    const server = fakeServer();
    const api = createWsKioskApi({ url: URL, connect: server.connect, backoff: { initialMs: 50, maxMs: 50 } });
    server.latest().open();
    server.latest().drop();
    const queued = api.send({ type: 'setLanguage', language: 'en' });
    vi.advanceTimersByTime(50);
    server.latest().open();
    const command = server.latest().sent.find((message) => message.kind === 'command')!;
    expect(command.command).toEqual({ type: 'setLanguage', language: 'en' });
    server.latest().push({ kind: 'result', id: command.id, result: { ok: true } });
    await expect(queued).resolves.toEqual({ ok: true });
  });

  test('events from a socket that was replaced are ignored', () => {
    const server = fakeServer();
    const api = createWsKioskApi({ url: URL, connect: server.connect, backoff: { initialMs: 10, maxMs: 10 } });
    const states: KioskState[] = [];
    api.onState((state) => states.push(state));
    const old = server.latest();
    old.open();
    old.drop();
    vi.advanceTimersByTime(10);
    old.push({ kind: 'state', state: STATE });
    old.drop();
    expect(states).toEqual([]);
    expect(server.sockets.length).toBe(2);
  });

  test('close() stops reconnecting and rejects what is pending', async () => {
    const server = fakeServer();
    const api = createWsKioskApi({ url: URL, connect: server.connect, backoff: { initialMs: 10, maxMs: 10 } });
    const pending = api.getState();
    api.close();
    await expect(pending).rejects.toMatchObject({ code: 'closed' });
    await expect(api.send({ type: 'syncNow' })).rejects.toMatchObject({ code: 'closed' });
    expect(server.latest().closed).toBe(true);
    vi.advanceTimersByTime(1000);
    expect(server.sockets.length).toBe(1);
    expect(api.link).toBe('closed');
  });

  test('options are checked when the client is made', () => {
    expect(() => createWsKioskApi({ url: URL, connect: fakeServer().connect, requestTimeoutMs: 0 })).toThrow(RangeError);
    expect(() => createWsKioskApi({ url: URL, connect: fakeServer().connect, backoff: { initialMs: 500, maxMs: 100 } })).toThrow(RangeError);
  });
});

describe('the token in the address bar', () => {
  function page(href: string) {
    const replaced: string[] = [];
    const stored = new Map<string, string>();
    return {
      replaced,
      stored,
      history: { replaceState: (_data: unknown, _unused: string, url?: string) => void replaced.push(url ?? '') },
      store: { getItem: (key: string) => stored.get(key) ?? null, setItem: (key: string, value: string) => void stored.set(key, value) },
      address: { href },
    };
  }

  test('?token= is read, removed from the address bar with the rest of the URL kept, and remembered', () => {
    const p = page('http://127.0.0.1:8080/?site=hotel&token=abc123#screen');
    expect(takeToken(p.address, p.history, p.store)).toBe('abc123');
    expect(p.replaced).toEqual(['/?site=hotel#screen']);
    expect([...p.stored.values()]).toEqual(['abc123']);
  });

  test('#token= is read and removed too', () => {
    const p = page('http://127.0.0.1:8080/#token=xyz');
    expect(takeToken(p.address, p.history, p.store)).toBe('xyz');
    expect(p.replaced).toEqual(['/']);
  });

  test('after a reload the remembered token is used; nothing is rewritten', () => {
    const p = page('http://127.0.0.1:8080/');
    p.stored.set('verikiosk.token', 'remembered');
    expect(takeToken(p.address, p.history, p.store)).toBe('remembered');
    expect(p.replaced).toEqual([]);
  });

  test('no token and no storage: undefined', () => {
    const p = page('http://127.0.0.1:8080/');
    expect(takeToken(p.address, p.history)).toBeUndefined();
  });

  test('the socket URL is the page’s own host and port, path /ws, with the token', () => {
    expect(kioskSocketUrl({ href: 'http://127.0.0.1:43117/index.html' }, 'a b&c')).toBe('ws://127.0.0.1:43117/ws?token=a+b%26c');
    expect(kioskSocketUrl({ href: 'http://127.0.0.1:43117/' }, undefined)).toBe('ws://127.0.0.1:43117/ws');
  });
});
