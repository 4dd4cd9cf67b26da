// Screen test harness: serves dist/renderer over loopback HTTP with main's screen headers (CSP), launches
// Debian's Chromium, and stands a FAKE KioskApi in for main as `window.verikiosk`.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { WebSocketServer, type WebSocket } from 'ws';
import type { KioskState, OperatorStatus, Reason, Result, VerdictView, Command, CommandResult } from '../../main/api/contract.js';
import { SCREEN_HEADERS } from '../../main/api/csp.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const RENDERER_DIR = path.join(ROOT, 'dist', 'renderer');
export const SCREENSHOT_DIR = path.join(ROOT, 'docs', 'screenshots');


const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
};

export interface RendererServer {
  readonly url: string;
  /** Browser-mode connections made to `/ws`, with the token each one presented. */
  readonly sockets: Array<{ readonly socket: WebSocket; readonly token: string | null }>;
  close(): Promise<void>;
}

/**
 * Serves the built screen on 127.0.0.1. `onSocket`, when given, answers `/ws` WebSocket upgrades
 * (a stand-in for browser mode's server: only what a test needs, nothing of main/web).
 */
export async function serveRenderer(options: { root?: string; onSocket?: (socket: WebSocket, token: string | null) => void } = {}): Promise<RendererServer> {
  const root = options.root ?? RENDERER_DIR;
  const server: Server = createServer((request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const file = path.normalize(path.join(root, pathname === '/' ? 'index.html' : pathname));
    const type = TYPES[path.extname(file)];
    if (!file.startsWith(root + path.sep) || !type) {
      response.writeHead(404).end();
      return;
    }
    readFile(file).then(
      // The headers main sends with the screen (CSP included), so the screen is tested under them.
      (body) => response.writeHead(200, { ...SCREEN_HEADERS, 'content-type': type, 'cache-control': 'no-store' }).end(body),
      () => response.writeHead(404).end(),
    );
  });
  const sockets: RendererServer['sockets'] = [];
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/ws' || !options.onSocket) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const token = url.searchParams.get('token');
      sockets.push({ socket: ws, token });
      options.onSocket?.(ws, token);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    sockets,
    async close() {
      for (const { socket } of sockets) socket.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-gpu'],
  });
}

/** 1280×800, reduced motion (no spinner mid-turn in a screenshot), one device pixel per CSS pixel. */
export async function newKioskContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, reducedMotion: 'reduce' });
  // A missing element fails its step with a message long before the test's own timeout.
  context.setDefaultTimeout(5000);
  return context;
}

export interface FakeKioskSetup {
  readonly state: KioskState;
  readonly operator: OperatorStatus;
  readonly pin: string;
  readonly attempts: number;
  readonly lockMs: number;
}

/** What the fake records and lets a test do; lives in the page as `window.__fakeKiosk`. */
export interface FakeKioskHandle {
  readonly sent: Command[];
  setState(state: KioskState): void;
  pushOperator(status: OperatorStatus): void;
}

declare global {
  interface Window {
    __fakeKiosk: FakeKioskHandle;
    __cspViolations: string[];
  }
}

/**
 * Runs in the page before the screen's script. The fake answers the way main does — it keeps state,
 * pushes it after a change, checks the PIN with attempts and lock-out — and records every command.
 */
function fakeKiosk(setup: FakeKioskSetup): void {
  const stateListeners = new Set<(state: KioskState) => void>();
  const operatorListeners = new Set<(status: OperatorStatus) => void>();
  const sent: Command[] = [];
  let current = setup.state;
  let attemptsLeft = setup.attempts;
  let lockedUntil = 0;
  let operatorOpen = false;
  const push = () => {
    for (const listener of stateListeners) listener(structuredClone(current));
  };
  const answer = (command: Command): CommandResult => {
    switch (command.type) {
      case 'setLanguage':
        current = { ...current, language: command.language };
        push();
        return { ok: true };
      case 'holdVerdict':
      case 'dismissVerdict': {
        const verdict = current.verdict;
        if (current.screen !== 'verdict' || !verdict || verdict.id !== command.id) return { ok: false, error: 'unknown_verdict' };
        current = command.type === 'holdVerdict' ? { ...current, verdict: { ...verdict, held: true } } : { ...current, screen: 'waiting', verdict: undefined };
        push();
        return { ok: true };
      }
      case 'operatorLogin':
        if (Date.now() < lockedUntil) return { ok: false, error: 'locked_out', lockedUntil };
        if (command.pin === setup.pin) {
          attemptsLeft = setup.attempts;
          operatorOpen = true;
          return { ok: true, operator: setup.operator };
        }
        attemptsLeft -= 1;
        if (attemptsLeft <= 0) {
          attemptsLeft = setup.attempts;
          lockedUntil = Date.now() + setup.lockMs;
          return { ok: false, error: 'locked_out', lockedUntil };
        }
        return { ok: false, error: 'wrong_pin', attemptsLeft };
      case 'operatorLogout':
        operatorOpen = false;
        return { ok: true };
      case 'syncNow':
        return operatorOpen ? { ok: true } : { ok: false, error: 'not_operator' };
      case 'simulate':
        return current.simulation ? { ok: true } : { ok: false, error: 'not_simulation' };
      case 'wedgeScan':
        return { ok: true };
    }
  };
  const api = {
    getState: () => Promise.resolve(structuredClone(current)),
    send: (command: Command) => {
      sent.push(structuredClone(command));
      return Promise.resolve(answer(command));
    },
    onState: (listener: (state: KioskState) => void) => {
      stateListeners.add(listener);
      return () => void stateListeners.delete(listener);
    },
    onOperator: (listener: (status: OperatorStatus) => void) => {
      operatorListeners.add(listener);
      return () => void operatorListeners.delete(listener);
    },
  };
  // contextBridge hands the page a frozen object; so does the fake.
  Object.defineProperty(window, 'verikiosk', { value: Object.freeze(api) });
  window.__fakeKiosk = {
    sent,
    setState(state) {
      current = state;
      push();
    },
    pushOperator(status) {
      for (const listener of operatorListeners) listener(structuredClone(status));
    },
  };
}

function watchCsp(): void {
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (event) => window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`));
}

export interface ScreenPage {
  readonly page: Page;
  readonly context: BrowserContext;
  readonly errors: string[];
  setState(state: KioskState): Promise<void>;
  pushOperator(status: OperatorStatus): Promise<void>;
  sent(): Promise<Command[]>;
  cspViolations(): Promise<string[]>;
  close(): Promise<void>;
}

/** A fresh page showing `state` through the fake api. `clock`: install Playwright's clock first. */
export async function openScreen(browser: Browser, server: RendererServer, setup: Partial<FakeKioskSetup> & { state: KioskState }, options: { clock?: boolean } = {}): Promise<ScreenPage> {
  const context = await newKioskContext(browser);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  if (options.clock) await page.clock.install();
  await page.addInitScript(watchCsp);
  await page.addInitScript(fakeKiosk, { operator: sampleOperatorStatus(), pin: '246810', attempts: 5, lockMs: 5 * 60_000, ...setup });
  await page.goto(server.url);
  await page.waitForSelector('.kiosk[data-screen]');
  return {
    page,
    context,
    errors,
    setState: (state) => page.evaluate((next) => window.__fakeKiosk.setState(next), state),
    pushOperator: (status) => page.evaluate((next) => window.__fakeKiosk.pushOperator(next), status),
    sent: () => page.evaluate(() => window.__fakeKiosk.sent),
    cspViolations: () => page.evaluate(() => window.__cspViolations),
    close: () => context.close(),
  };
}

const AXE_SOURCE = readFile(path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: string[];
}

/** axe-core over the whole page: WCAG 2.2 A/AA and best practice. Evaluated through DevTools, so the page's CSP stays strict. */
export async function runAxe(page: Page): Promise<AxeViolation[]> {
  const source = await AXE_SOURCE;
  await page.evaluate(source);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }> }> } }).axe;
    const results = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] }, resultTypes: ['violations'] });
    return results.violations.map((violation) => ({ id: violation.id, impact: violation.impact, help: violation.help, targets: violation.nodes.map((node) => node.target.join(' ')) }));
  });
}

/** Screenshots go to docs/screenshots only when asked (VERIKIOSK_SCREENSHOTS=1), so a test run leaves the tree alone. */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.VERIKIOSK_SCREENSHOTS !== '1') return;
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), animations: 'disabled', caret: 'hide' });
}

// ——— Sample data ———

const PORTRAIT_SVG =
  "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 90 120'><rect width='90' height='120' fill='#dfe7f1'/><circle cx='45' cy='46' r='20' fill='#7b8ca3'/><path d='M10 120c2-30 17-44 35-44s33 14 35 44z' fill='#7b8ca3'/></svg>";
export const SAMPLE_PHOTO = `data:image/svg+xml,${encodeURIComponent(PORTRAIT_SVG)}`;

export function sampleState(overrides: Partial<KioskState> = {}): KioskState {
  return { screen: 'waiting', language: 'zh-CN', site: { profile: 'hotel', name: '锦江饭店 · 前台' }, simulation: false, notices: [], ...overrides };
}

let verdictCount = 0;
export function sampleVerdict(result: Result, reasons: readonly Reason[], overrides: Partial<VerdictView> = {}): VerdictView {
  const at = Date.now();
  verdictCount += 1;
  return {
    id: `v-${verdictCount}`,
    result,
    reasons,
    source: 'qr-scanner',
    format: 'eid',
    holder: {
      name: '张伟',
      latinName: 'ZHANG Wei',
      maskedNumber: '110105********002X',
      documentType: 'CN-RIC',
      fields: [
        { key: 'holder.birthDate', value: '1949-12-31' },
        { key: 'holder.validTo', value: '2035-06-01' },
      ],
      photo: SAMPLE_PHOTO,
    },
    at,
    held: false,
    clearsAt: at + 8000,
    ...overrides,
  };
}

export function verdictState(verdict: VerdictView, overrides: Partial<KioskState> = {}): KioskState {
  return sampleState({ screen: 'verdict', verdict, ...overrides });
}

export function sampleOperatorStatus(now = Date.now()): OperatorStatus {
  const hour = 3_600_000;
  return {
    deviceId: 'KSK-0042',
    version: '0.1.0',
    devices: [
      { device: 'card-reader', state: 'ready' },
      { device: 'qr-scanner', state: 'absent', why: 'No scanner on /dev/ttyACM0: check the USB cable.' },
      { device: 'camera', state: 'disabled' },
      { device: 'signals', state: 'simulated' },
    ],
    trustList: { seq: 17, issuedAt: now - 5 * hour, nextUpdate: now + 19 * hour, staleAt: now + 91 * hour + 30 * 60_000, entries: 6 },
    statusList: { seq: 233, issuedAt: now - 30 * hour, nextUpdate: now - 6 * hour, staleAt: now + 66 * hour + 25 * 60_000, entries: 1812 },
    sync: { state: 'offline', lastSuccessAt: now - 6 * hour - 12 * 60_000, lastError: 'bureau unreachable (ECONNREFUSED)', backlog: 37 },
    clock: { trusted: true, source: 'NTP' },
    recent: [
      { at: now - 60_000, result: 'valid', reasons: [], source: 'card-reader', format: 'card' },
      { at: now - 11 * 60_000, result: 'invalid', reasons: ['revoked'], source: 'qr-scanner', format: 'eid' },
      { at: now - 42 * 60_000, result: 'cannot_validate', reasons: ['stale_status_list'], source: 'camera', format: 'eid' },
      { at: now - 2 * hour, result: 'unreadable', reasons: ['bad_base45'], source: 'keyboard-wedge', format: 'eid' },
    ],
  };
}
