// The kiosk screen in Chromium against a fake KioskApi: every screen renders in both languages and
// passes axe-core under the strict CSP; language switch, hold/done, PIN pad and console, wedge
// scans, the simulation panel, and browser mode's WebSocket link with its reconnecting screen.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { KioskState, Language, Reason, Result } from '../../main/api/contract.js';
import { buildRenderer } from '../../renderer/build.js';
import { REASON_TEXT, RESULT_TEXT } from '../../renderer/i18n.js';
import {
  RENDERER_DIR,
  openScreen,
  launchChromium,
  runAxe,
  sampleOperatorStatus,
  sampleState,
  sampleVerdict,
  screenshot,
  serveRenderer,
  verdictState,
  type RendererServer,
  type ScreenPage,
} from './renderer-fixture.js';

let server: RendererServer;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(path.join(RENDERER_DIR, 'index.html'))) await buildRenderer();
  server = await serveRenderer();
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** No axe violation, nothing the CSP blocked, no script error. */
async function expectClean(screen: ScreenPage): Promise<void> {
  expect(await runAxe(screen.page)).toEqual([]);
  expect(await screen.cspViolations()).toEqual([]);
  expect(screen.errors).toEqual([]);
}

async function heading(screen: ScreenPage): Promise<string> {
  return ((await screen.page.locator('main h1, [role=dialog] h1').last().textContent()) ?? '').trim();
}

const LANGUAGES: readonly Language[] = ['zh-CN', 'en'];

describe('waiting, reading and verifying', () => {
  for (const language of LANGUAGES) {
    test(`waiting screen in ${language}: two ways to present, in pictures`, async () => {
      const screen = await openScreen(browser, server, { state: sampleState({ language }) });
      try {
        await expect.poll(() => screen.page.getAttribute('html', 'lang')).toBe(language);
        expect(await heading(screen)).toBe(language === 'zh-CN' ? '请出示证件' : 'Please show your ID');
        expect(await screen.page.locator('figure svg').count()).toBe(2);
        await expectClean(screen);
        await screenshot(screen.page, `waiting-${language}`);
      } finally {
        await screen.close();
      }
    });
  }

  test('reading a card, reading a code, verifying', async () => {
    const screen = await openScreen(browser, server, { state: sampleState({ screen: 'reading', reading: { source: 'card-reader' } }) });
    try {
      expect(await heading(screen)).toBe('正在读取');
      expect(await screen.page.locator('main').innerText()).toContain('请勿移开证件');
      await expectClean(screen);
      await screenshot(screen.page, 'reading-zh-CN');

      await screen.setState(sampleState({ language: 'en', screen: 'reading', reading: { source: 'qr-scanner' } }));
      await expect.poll(() => screen.page.locator('main').innerText()).toContain('Hold your phone still');
      await expectClean(screen);
      await screenshot(screen.page, 'reading-en');

      await screen.setState(sampleState({ screen: 'verifying' }));
      await expect.poll(() => heading(screen)).toBe('正在核验');
      await expectClean(screen);
      await screenshot(screen.page, 'verifying-zh-CN');
    } finally {
      await screen.close();
    }
  });

  test('notices show as a discreet bar in the chosen language', async () => {
    const notices: KioskState['notices'] = [{ code: 'device_absent', device: 'card-reader' }, { code: 'lists_stale_soon' }, { code: 'offline' }, { code: 'clock_unsynced' }];
    const screen = await openScreen(browser, server, { state: sampleState({ notices }) });
    try {
      const bar = screen.page.locator('.notices');
      expect(await bar.innerText()).toContain('读卡器未连接');
      expect(await bar.innerText()).toContain('离线');
      expect(await screen.page.locator('.notices li').count()).toBe(4);
      await expectClean(screen);
      await screenshot(screen.page, 'notices-zh-CN');
      await screen.setState(sampleState({ language: 'en', notices }));
      await expect.poll(() => bar.innerText()).toContain('Card reader is not connected');
      await expectClean(screen);
    } finally {
      await screen.close();
    }
  });
});

const VERDICTS: ReadonlyArray<{ result: Result; reasons: Reason[]; holder: boolean; colour: string }> = [
  { result: 'valid', reasons: [], holder: true, colour: 'rgb(8, 101, 44)' },
  { result: 'invalid', reasons: ['expired', 'revoked'], holder: true, colour: 'rgb(168, 17, 26)' },
  { result: 'cannot_validate', reasons: ['stale_status_list', 'clock_unsynced'], holder: true, colour: 'rgb(245, 180, 0)' },
  { result: 'unreadable', reasons: ['bad_base45'], holder: false, colour: 'rgb(245, 180, 0)' },
  { result: 'unsupported', reasons: ['unknown_prefix'], holder: false, colour: 'rgb(245, 180, 0)' },
];

describe('verdicts', () => {
  for (const language of LANGUAGES) {
    for (const { result, reasons, holder, colour } of VERDICTS) {
      test(`${result} in ${language}: colour, word, reasons, holder`, async () => {
        const verdict = sampleVerdict(result, reasons, holder ? {} : { holder: undefined, source: 'camera' });
        const screen = await openScreen(browser, server, { state: verdictState(verdict, { language }) });
        try {
          const page = screen.page;
          expect(await page.locator(`main[data-result=${result}]`).count()).toBe(1);
          expect(await page.locator('.stage').evaluate((element) => getComputedStyle(element).backgroundColor)).toBe(colour);
          expect(await heading(screen)).toBe(RESULT_TEXT[result].word[language]);
          expect(await page.locator('.reasons li').allInnerTexts()).toEqual(reasons.map((reason) => REASON_TEXT[reason][language]));
          if (holder) {
            const card = page.locator('.holder');
            expect(await card.locator('.fact-name dd').innerText()).toBe('张伟');
            expect(await card.locator('.fact-name dd').getAttribute('lang')).toBe('zh-CN');
            expect(await card.locator('.masked-number [aria-hidden=true]').innerText()).toBe('110105********002X');
            expect(await card.locator('img').getAttribute('alt')).toBeTruthy();
          } else {
            expect(await page.locator('.holder').count()).toBe(0);
          }
          expect(await page.locator('.countdown').innerText()).toMatch(language === 'zh-CN' ? /^[1-8] 秒后自动清除/ : /^Clears in [1-8] s/);
          await expect.poll(() => page.locator('[aria-live=assertive]').innerText()).toContain(RESULT_TEXT[result].word[language]);
          await expectClean(screen);
          await screenshot(page, `verdict-${result.replace('_', '-')}-${language}`);
        } finally {
          await screen.close();
        }
      });
    }
  }

  test('an EU DCC holder without a document number, and a long address across the card', async () => {
    const verdict = sampleVerdict('valid', [], {
      format: 'dcc',
      holder: { name: 'Musterfrau Gabriele', maskedNumber: '', documentType: 'EU-DCC', fields: [{ key: 'holder.birthDate', value: '1998-02-26' }, { key: 'holder.address', value: '北京市东城区东长安街1号院3号楼12层1203室' }] },
    });
    const screen = await openScreen(browser, server, { state: verdictState(verdict, { language: 'en' }) });
    try {
      const card = screen.page.locator('.holder');
      expect(await card.locator('.fact-number').count()).toBe(0);
      expect(await card.locator('.fact-name dd').getAttribute('lang')).toBeNull();
      expect(await card.locator('.fact', { hasText: 'Address' }).getAttribute('class')).toContain('fact-wide');
      expect(await card.innerText()).toContain('EU Digital COVID Certificate');
      await expectClean(screen);
    } finally {
      await screen.close();
    }
  });

  test('hold keeps the verdict, done clears it; each names its verdict', async () => {
    const verdict = sampleVerdict('valid', []);
    const screen = await openScreen(browser, server, { state: verdictState(verdict, { language: 'en' }) });
    try {
      const page = screen.page;
      await page.getByRole('button', { name: 'Keep on screen' }).click();
      await expect.poll(() => page.locator('.countdown').innerText()).toBe('Kept on screen: press Done to clear');
      expect(await page.getByRole('button', { name: 'Keep on screen' }).count()).toBe(0);
      await page.getByRole('button', { name: 'Done' }).click();
      await expect.poll(() => heading(screen)).toBe('Please show your ID');
      expect((await screen.sent()).filter((command) => command.type !== 'setLanguage')).toEqual([
        { type: 'holdVerdict', id: verdict.id },
        { type: 'dismissVerdict', id: verdict.id },
      ]);
    } finally {
      await screen.close();
    }
  });
});

describe('keyboard focus', () => {
  for (const result of ['valid', 'cannot_validate'] as const) {
    test(`every control on the ${result} verdict shows a visible focus ring`, async () => {
      const screen = await openScreen(browser, server, { state: verdictState(sampleVerdict(result, result === 'valid' ? [] : ['clock_unsynced'])) });
      try {
        const page = screen.page;
        const seen = new Set<string>();
        for (let step = 0; step < 12; step += 1) {
          await page.keyboard.press('Tab');
          const focused = await page.evaluate(() => {
            const element = document.activeElement as HTMLElement | null;
            if (!element || element === document.body) return undefined;
            const style = getComputedStyle(element);
            return { name: element.textContent?.trim() || element.className, outline: style.outlineStyle, width: Number.parseFloat(style.outlineWidth) };
          });
          if (!focused || seen.has(focused.name)) continue;
          seen.add(focused.name);
          expect(focused.outline, focused.name).toBe('solid');
          expect(focused.width, focused.name).toBeGreaterThanOrEqual(3);
        }
        // Language switch, the reasons or holder panes, keep, done, operator.
        expect(seen.size).toBeGreaterThanOrEqual(5);
      } finally {
        await screen.close();
      }
    });
  }
});

describe('language switch', () => {
  const states: ReadonlyArray<[string, KioskState]> = [
    ['waiting', sampleState()],
    ['reading', sampleState({ screen: 'reading', reading: { source: 'card-reader' } })],
    ['verifying', sampleState({ screen: 'verifying' })],
    ['verdict', verdictState(sampleVerdict('invalid', ['revoked']))],
  ];
  for (const [name, state] of states) {
    test(`the visitor switches language on the ${name} screen`, async () => {
      const screen = await openScreen(browser, server, { state });
      try {
        const page = screen.page;
        const zh = await heading(screen);
        await page.getByRole('button', { name: 'English' }).click();
        await expect.poll(() => page.getAttribute('html', 'lang')).toBe('en');
        expect(await heading(screen)).not.toBe(zh);
        expect(await page.getByRole('button', { name: 'English' }).getAttribute('aria-pressed')).toBe('true');
        await page.getByRole('button', { name: '中文' }).click();
        await expect.poll(() => heading(screen)).toBe(zh);
        expect(await screen.sent()).toEqual([
          { type: 'setLanguage', language: 'en' },
          { type: 'setLanguage', language: 'zh-CN' },
        ]);
      } finally {
        await screen.close();
      }
    });
  }
});

describe('operator', () => {
  test('PIN pad: wrong PIN shows attempts left, the right one opens the console; sync now; sign out', async () => {
    const screen = await openScreen(browser, server, { state: sampleState(), pin: '246810' });
    try {
      const page = screen.page;
      await page.getByRole('button', { name: '操作员' }).click();
      const pad = page.getByRole('dialog', { name: '操作员登录' });
      await pad.waitFor();
      expect(await page.locator('.stage').getAttribute('inert')).not.toBeNull();
      await expectClean(screen);
      await screenshot(page, 'pin-pad-zh-CN');

      await page.keyboard.type('1234', { delay: 80 });
      expect(await page.locator('.pin-display').innerText()).toBe('●●●●');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.getByRole('alert').innerText()).toBe('PIN 码错误，还可尝试 4 次');
      expect(await page.locator('.pin-display').innerText()).toBe('○○○○');
      await expectClean(screen);
      await screenshot(page, 'pin-pad-wrong-zh-CN');

      for (const digit of '246810') await pad.getByRole('button', { name: digit, exact: true }).click();
      await pad.getByRole('button', { name: '登录' }).click();
      await page.getByRole('dialog', { name: '操作员控制台' }).waitFor();
      const consoleDialog = page.locator('.console[role=dialog]');
      expect(await pad.count()).toBe(0);
      const text = await consoleDialog.innerText();
      for (const expected of ['KSK-0042', '读卡器', '未连接', 'No scanner on /dev/ttyACM0', '17', '233', '1812', '37', 'ECONNREFUSED']) expect(text).toContain(expected);
      expect(await consoleDialog.locator('[data-testid=stale-in]').allInnerTexts()).toEqual(['3天19小时', '2天18小时']);
      expect(await consoleDialog.locator('table.recent tbody tr').count()).toBe(4);
      await expectClean(screen);
      await screenshot(page, 'console-zh-CN');

      await consoleDialog.getByRole('button', { name: 'English' }).click();
      await page.getByRole('dialog', { name: 'Operator console' }).waitFor();
      expect(await consoleDialog.locator('[data-testid=stale-in]').allInnerTexts()).toEqual(['3 d 19 h', '2 d 18 h']);
      await expectClean(screen);
      await screenshot(page, 'console-en');

      await consoleDialog.getByRole('button', { name: 'Sync now' }).click();
      await expect.poll(() => consoleDialog.locator('.sync-answer').innerText()).toBe('Sync started');
      await consoleDialog.getByRole('button', { name: 'Sign out' }).click();
      await expect.poll(() => consoleDialog.count()).toBe(0);
      await expect.poll(() => page.evaluate(() => document.activeElement?.className)).toBe('operator-button');
      expect((await screen.sent()).map((command) => command.type)).toEqual(['operatorLogin', 'operatorLogin', 'setLanguage', 'syncNow', 'operatorLogout']);
      expect((await screen.sent()).filter((command) => command.type === 'operatorLogin')).toEqual([
        { type: 'operatorLogin', pin: '1234' },
        { type: 'operatorLogin', pin: '246810' },
      ]);
    } finally {
      await screen.close();
    }
  });

  test('after too many wrong PINs the pad shows until when it is locked', async () => {
    const screen = await openScreen(browser, server, { state: sampleState({ language: 'en' }), attempts: 3 });
    try {
      const page = screen.page;
      await page.getByRole('button', { name: 'Operator' }).click();
      for (let attempt = 0; attempt < 3; attempt += 1) {
        await page.keyboard.type('0000', { delay: 60 });
        await page.keyboard.press('Enter');
        await expect.poll(() => page.getByRole('alert').innerText()).not.toBe('');
      }
      await expect.poll(() => page.getByRole('alert').innerText()).toMatch(/^Too many wrong PINs: locked until \d\d:\d\d:\d\d$/);
      expect(await page.getByRole('button', { name: '5', exact: true }).isDisabled()).toBe(true);
      expect(await page.getByRole('button', { name: 'Sign in' }).isDisabled()).toBe(true);
      await expectClean(screen);
      await screenshot(page, 'pin-pad-locked-en');
      await page.keyboard.press('Escape');
      await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    } finally {
      await screen.close();
    }
  });

  test('the console closes when main stops pushing the operator status', async () => {
    const screen = await openScreen(browser, server, { state: sampleState({ language: 'en' }) }, { clock: true });
    try {
      const page = screen.page;
      await page.getByRole('button', { name: 'Operator' }).click();
      for (const digit of '246810') await page.getByRole('button', { name: digit, exact: true }).click();
      await page.getByRole('button', { name: 'Sign in' }).click();
      const consoleDialog = page.getByRole('dialog', { name: 'Operator console' });
      await consoleDialog.waitFor();
      for (let push = 0; push < 4; push += 1) {
        await page.clock.runFor(8000);
        await screen.pushOperator({ ...sampleOperatorStatus(), sync: { state: 'online', backlog: push, lastSuccessAt: Date.now() } });
      }
      expect(await consoleDialog.locator('[data-testid=backlog]').innerText()).toBe('3');
      await page.clock.runFor(16_000);
      await expect.poll(() => consoleDialog.count()).toBe(0);
      expect((await screen.sent()).at(-1)).toEqual({ type: 'operatorLogout' });
    } finally {
      await screen.close();
    }
  });
});

describe('keyboard-wedge scanner', () => {
  const code = 'EID1:6BFOX N%TS3DH0 5L8 K9$ML.*:/+-Q';

  test('a burst of keys ending in Enter is a scan wherever focus is, and presses nothing', async () => {
    const screen = await openScreen(browser, server, { state: verdictState(sampleVerdict('valid', [])) });
    try {
      const page = screen.page;
      await page.getByRole('button', { name: 'English' }).focus();
      await page.keyboard.type(code, { delay: 2 });
      await page.keyboard.press('Enter');
      await expect.poll(() => screen.sent()).toEqual([{ type: 'wedgeScan', text: code }]);
      expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');

      await page.getByRole('button', { name: '保留结果' }).focus();
      await page.keyboard.type('HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL-AH', { delay: 1 });
      await page.keyboard.press('Enter');
      await expect.poll(async () => (await screen.sent()).length).toBe(2);
      expect((await screen.sent())[1]).toEqual({ type: 'wedgeScan', text: 'HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL-AH' });
    } finally {
      await screen.close();
    }
  });

  test('typing at a person’s pace is not a scan', async () => {
    const screen = await openScreen(browser, server, { state: sampleState() });
    try {
      await screen.page.keyboard.type('EID1:ABCDEFG', { delay: 110 });
      await screen.page.keyboard.press('Enter');
      await screen.page.waitForTimeout(200);
      expect(await screen.sent()).toEqual([]);
    } finally {
      await screen.close();
    }
  });

  test('while the PIN pad is open, fast digits are the PIN, not a scan', async () => {
    const screen = await openScreen(browser, server, { state: sampleState() });
    try {
      const page = screen.page;
      await page.getByRole('button', { name: '操作员' }).click();
      await page.getByRole('dialog').waitFor();
      await page.keyboard.type('13572468', { delay: 1 });
      await page.keyboard.press('Enter');
      await expect.poll(() => screen.sent()).toEqual([{ type: 'operatorLogin', pin: '13572468' }]);
    } finally {
      await screen.close();
    }
  });
});

describe('simulation panel', () => {
  test('presents samples and unplugs devices, beside the verdict colour, never over it', async () => {
    const screen = await openScreen(browser, server, { state: verdictState(sampleVerdict('valid', []), { simulation: true, language: 'en' }) });
    try {
      const page = screen.page;
      const toggle = page.getByRole('button', { name: /Simulation/ });
      expect(await toggle.getAttribute('aria-expanded')).toBe('false');
      await toggle.click();
      expect(await toggle.getAttribute('aria-expanded')).toBe('true');
      const panel = page.getByRole('complementary', { name: 'Simulated devices' });
      await panel.getByRole('button', { name: 'Revoked', exact: true }).click();
      await panel.getByRole('radio', { name: 'Camera' }).check();
      await panel.getByRole('button', { name: 'Valid', exact: true }).click();
      await panel.getByRole('button', { name: 'Foreigner card 2017' }).click();
      await panel.getByRole('button', { name: 'Lift the card' }).click();
      await panel.getByRole('button', { name: 'Unplug Card reader' }).click();
      await panel.getByRole('button', { name: 'Plug in Card reader' }).click();
      expect(await screen.sent()).toEqual([
        { type: 'simulate', step: { action: 'presentCode', sample: 'revoked', via: 'qr-scanner' } },
        { type: 'simulate', step: { action: 'presentCode', sample: 'valid', via: 'camera' } },
        { type: 'simulate', step: { action: 'presentCard', sample: 'foreign-2017' } },
        { type: 'simulate', step: { action: 'liftCard' } },
        { type: 'simulate', step: { action: 'unplug', device: 'card-reader' } },
        { type: 'simulate', step: { action: 'replug', device: 'card-reader' } },
      ]);
      const stage = await page.locator('.stage').boundingBox();
      const column = await page.locator('.simulation-column').boundingBox();
      expect(stage && column).toBeTruthy();
      expect(stage!.x + stage!.width).toBeLessThanOrEqual(column!.x + 0.5);
      expect(stage!.width).toBeGreaterThan(1280 * 0.6);
      await expectClean(screen);
      await screenshot(page, 'simulation-panel-en');
    } finally {
      await screen.close();
    }
  });

  test('absent unless main runs simulated devices', async () => {
    const screen = await openScreen(browser, server, { state: sampleState() });
    try {
      expect(await screen.page.locator('.simulation').count()).toBe(0);
    } finally {
      await screen.close();
    }
  });
});

describe('browser mode (no preload): the WebSocket link', () => {
  test('connects with the URL token, hides it, follows pushes, shows reconnecting and recovers', async () => {
    let state = sampleState();
    const commands: unknown[] = [];
    const ws = await serveRenderer({
      onSocket(socket) {
        socket.on('message', (data) => {
          const message = JSON.parse(String(data)) as { id: number; kind: 'getState' | 'command'; command?: { type: string; language?: Language } };
          if (message.kind === 'getState') {
            socket.send(JSON.stringify({ kind: 'state', id: message.id, state }));
            return;
          }
          commands.push(message.command);
          socket.send(JSON.stringify({ kind: 'result', id: message.id, result: { ok: true } }));
          if (message.command?.type === 'setLanguage' && message.command.language) {
            state = { ...state, language: message.command.language };
            socket.send(JSON.stringify({ kind: 'state', state }));
          }
        });
      },
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' });
    try {
      const page = await context.newPage();
      await page.goto(`${ws.url}?token=s3cr3t-t0ken`);
      await page.getByRole('heading', { name: '请出示证件' }).waitFor();
      expect(ws.sockets.map((entry) => entry.token)).toEqual(['s3cr3t-t0ken']);
      expect(page.url()).toBe(ws.url);

      await page.getByRole('button', { name: 'English' }).click();
      await page.getByRole('heading', { name: 'Please show your ID' }).waitFor();
      expect(commands).toEqual([{ type: 'setLanguage', language: 'en' }]);

      ws.sockets[0]!.socket.terminate();
      // The screen reconnects on its own; until then it shows that it is reconnecting.
      await expect.poll(() => ws.sockets.length).toBe(2);
      await page.getByRole('heading', { name: 'Please show your ID' }).waitFor();
      expect(ws.sockets[1]!.token).toBe('s3cr3t-t0ken');

      await page.reload();
      await page.getByRole('heading', { name: 'Please show your ID' }).waitFor();
      expect(ws.sockets[2]!.token).toBe('s3cr3t-t0ken');
    } finally {
      await context.close();
      await ws.close();
    }
  });

  test('while the link is down the screen says it is reconnecting, never a stale verdict', async () => {
    // A server with no /ws: every connection attempt fails.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, reducedMotion: 'reduce' });
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}#token=abc`);
      await page.getByRole('heading', { name: '正在重新连接' }).waitFor();
      expect(page.url()).toBe(server.url);
      expect(await runAxe(page)).toEqual([]);
      await screenshot(page, 'reconnecting-zh-CN');
    } finally {
      await context.close();
    }
  });
});
