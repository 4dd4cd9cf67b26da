// The KioskApi of browser mode: the contract's messages over a WebSocket to the kiosk's own
// 127.0.0.1 server, with request ids, timeouts, and reconnection with back-off.
import type { ClientMessage, Command, CommandResult, KioskApi, KioskState, OperatorStatus, ServerMessage } from '../../main/api/contract.js';

/** What the screen's link to main is doing; Electron's link is always `open`. */
export type LinkState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface SocketEvents {
  open(): void;
  message(data: string): void;
  close(): void;
}
export interface Socket {
  send(data: string): void;
  close(): void;
}
/** Opens a socket and reports on it: the browser's WebSocket, or a fake in tests. */
export type SocketFactory = (url: string, events: SocketEvents) => Socket;

export const browserSocket: SocketFactory = (url, events) => {
  const socket = new WebSocket(url);
  socket.onopen = () => events.open();
  socket.onmessage = (event) => {
    if (typeof event.data === 'string') events.message(event.data);
  };
  // A failed connection fires error then close; close alone is enough to act on.
  socket.onclose = () => events.close();
  return socket;
};

export interface WsClientOptions {
  readonly url: string;
  readonly connect?: SocketFactory;
  /** A request unanswered this long is rejected (main answers in milliseconds). */
  readonly requestTimeoutMs?: number;
  /** Reconnect after `initialMs`, doubling to `maxMs`; back to `initialMs` once connected. */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
}

export interface WsKioskApi extends KioskApi {
  readonly link: LinkState;
  onLink(listener: (link: LinkState) => void): () => void;
  /** Stops reconnecting and rejects what is pending. */
  close(): void;
}

export class KioskLinkError extends Error {
  override readonly name = 'KioskLinkError';
  constructor(
    readonly code: 'timeout' | 'disconnected' | 'closed',
    message: string,
  ) {
    super(message);
  }
}

interface Pending {
  readonly message: ClientMessage;
  readonly resolve: (value: never) => void;
  readonly reject: (error: Error) => void;
  readonly timer: ReturnType<typeof setTimeout>;
  sent: boolean;
}

export function createWsKioskApi(options: WsClientOptions): WsKioskApi {
  const connect = options.connect ?? browserSocket;
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  const backoff = options.backoff ?? { initialMs: 250, maxMs: 5000 };
  if (!(timeoutMs > 0) || !(backoff.initialMs > 0) || !(backoff.maxMs >= backoff.initialMs)) {
    throw new RangeError('createWsKioskApi: requestTimeoutMs and backoff must be positive, maxMs ≥ initialMs');
  }

  const stateListeners = new Set<(state: KioskState) => void>();
  const operatorListeners = new Set<(status: OperatorStatus) => void>();
  const linkListeners = new Set<(link: LinkState) => void>();
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let link: LinkState = 'connecting';
  let socket: Socket | undefined;
  let isOpen = false;
  let delay = backoff.initialMs;
  let retry: ReturnType<typeof setTimeout> | undefined;

  function setLink(next: LinkState): void {
    if (link === next) return;
    link = next;
    for (const listener of linkListeners) listener(next);
  }

  function transmit(entry: Pending): void {
    if (!socket || !isOpen) return;
    entry.sent = true;
    socket.send(JSON.stringify(entry.message));
  }

  function request<T>(message: ClientMessage): Promise<T> {
    if (link === 'closed') return Promise.reject(new KioskLinkError('closed', 'the kiosk link is closed'));
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(message.id);
        reject(new KioskLinkError('timeout', `the kiosk did not answer ${message.kind} within ${timeoutMs} ms`));
      }, timeoutMs);
      const entry: Pending = { message, resolve: resolve as (value: never) => void, reject, timer, sent: false };
      pending.set(message.id, entry);
      transmit(entry);
    });
  }

  function settle(id: number | undefined, value: unknown): void {
    if (id === undefined) return;
    const entry = pending.get(id);
    if (!entry) return;
    pending.delete(id);
    clearTimeout(entry.timer);
    entry.resolve(value as never);
  }

  function receive(data: string): void {
    let message: ServerMessage;
    try {
      message = JSON.parse(data) as ServerMessage;
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    switch (message.kind) {
      case 'state':
        settle(message.id, message.state);
        for (const listener of stateListeners) listener(message.state);
        break;
      case 'result':
        settle(message.id, message.result);
        break;
      case 'operator':
        for (const listener of operatorListeners) listener(message.status);
        break;
    }
  }

  function open(): void {
    retry = undefined;
    const current = connect(options.url, {
      open() {
        if (socket !== current) return;
        isOpen = true;
        delay = backoff.initialMs;
        setLink('open');
        for (const entry of pending.values()) if (!entry.sent) transmit(entry);
        // Whatever happened while the link was down, the screen starts again from main's state.
        request<KioskState>({ id: nextId++, kind: 'getState' }).catch(() => undefined);
      },
      message(data) {
        if (socket === current) receive(data);
      },
      close() {
        if (socket !== current) return;
        socket = undefined;
        isOpen = false;
        // A request already sent may or may not have been carried out: say so rather than resend it.
        for (const [id, entry] of pending) {
          if (!entry.sent) continue;
          pending.delete(id);
          clearTimeout(entry.timer);
          entry.reject(new KioskLinkError('disconnected', 'the kiosk link dropped before the answer came'));
        }
        if (link === 'closed') return;
        setLink('reconnecting');
        retry = setTimeout(open, delay);
        delay = Math.min(delay * 2, backoff.maxMs);
      },
    });
    socket = current;
  }

  open();

  return {
    get link() {
      return link;
    },
    getState: () => request<KioskState>({ id: nextId++, kind: 'getState' }),
    send: (command: Command) => request<CommandResult>({ id: nextId++, kind: 'command', command }),
    onState(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    onOperator(listener) {
      operatorListeners.add(listener);
      return () => operatorListeners.delete(listener);
    },
    onLink(listener) {
      linkListeners.add(listener);
      return () => linkListeners.delete(listener);
    },
    close() {
      setLink('closed');
      if (retry !== undefined) clearTimeout(retry);
      const current = socket;
      socket = undefined;
      isOpen = false;
      current?.close();
      for (const entry of pending.values()) {
        clearTimeout(entry.timer);
        entry.reject(new KioskLinkError('closed', 'the kiosk link was closed'));
      }
      pending.clear();
    },
  };
}

interface AddressBar {
  readonly href: string;
}
interface History {
  replaceState(data: unknown, unused: string, url?: string): void;
}
interface TokenStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const TOKEN_KEY = 'verikiosk.token';

/**
 * The per-start token main put in the URL (`?token=` or `#token=`). It is taken out of the address
 * bar at once (no shoulder-surfing, no history entry) and kept in session storage so a reload of
 * the same tab still connects.
 */
export function takeToken(address: AddressBar, history: History, store?: TokenStore): string | undefined {
  const url = new URL(address.href);
  const hash = new URLSearchParams(url.hash.slice(1));
  const token = url.searchParams.get('token') ?? hash.get('token') ?? undefined;
  if (token !== undefined) {
    url.searchParams.delete('token');
    // The fragment is only rewritten when it held the token: anything else in it stays as it was.
    if (hash.has('token')) {
      hash.delete('token');
      const rest = hash.toString();
      url.hash = rest ? `#${rest}` : '';
    }
    history.replaceState(null, '', url.pathname + url.search + url.hash);
    try {
      store?.setItem(TOKEN_KEY, token);
    } catch {
      // Storage can be disabled; the token then lasts as long as the page.
    }
    return token;
  }
  try {
    return store?.getItem(TOKEN_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

/** The WebSocket of the server that served this page (same host and port, path `/ws`). */
export function kioskSocketUrl(address: AddressBar, token: string | undefined): string {
  const url = new URL('/ws', address.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  if (token !== undefined) url.searchParams.set('token', token);
  return url.toString();
}
