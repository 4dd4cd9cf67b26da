// The real kiosk in Chromium through browser mode, driven like a clerk: every verdict path from a
// simulated device (and once from a real serial scanner on a pty) to the screen, replay, the
// operator console, language, unplugged devices, an offline bureau and stale lists.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { maskDocumentNumber, type Reason, type Result, type SimulationAction } from '../../main/api/contract.js';
import { buildRenderer } from '../../renderer/build.js';
import { FORMAT_TEXT, REASON_TEXT, RESULT_TEXT, SOURCE_TEXT, UI, noticeText } from '../../renderer/i18n.js';
import { QrScannerSimulator } from '../../tools/sim/qr-scanner/simulator.js';
import {
  RENDERER_DIR,
  Teardown,
  connectScreenClient,
  openKioskPage,
  prepareDemoFolder,
  startKioskServer,
  startPtyPair,
  writeKioskConfig,
  type DemoFolder,
  type RunningKiosk,
} from './kiosk-harness.js';
import { launchChromium, runAxe, screenshot } from './renderer-fixture.js';

/** The verdict colours of renderer/styles.css (as screens.test.ts checks them on the fake). */
const TONE: Record<Result, string> = {
  valid: 'rgb(8, 101, 44)',
  invalid: 'rgb(168, 17, 26)',
  cannot_validate: 'rgb(245, 180, 0)',
  unreadable: 'rgb(245, 180, 0)',
  unsupported: 'rgb(245, 180, 0)',
};
const DEMO_PIN = '2468';

const teardown = new Teardown();
let browser: Browser;
let demo: DemoFolder;
let main: RunningKiosk;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) await buildRenderer();
  try {
    demo = await prepareDemoFolder(teardown);
    main = await startKioskServer(teardown, demo.world);
    browser = await launchChromium();
    teardown.defer('chromium', () => browser.close());
    ({ page, errors: pageErrors } = await openKioskPage(teardown, browser, main.url));
  } catch (err) {
    await teardown.run().catch(() => undefined);
    throw err;
  }
}, 60_000);

afterAll(() => teardown.run(), 30_000);

afterEach(async () => {
  // A test that failed with the console open must not fail every test after it as well.
  if ((await page.locator('.console[role=dialog]').count()) > 0) await signOut(page);
  expect(pageErrors, 'script errors on the kiosk screen').toEqual([]);
});

// ——— what the clerk sees ———

interface Shown {
  readonly result: string | null;
  readonly word: string;
  readonly summary: string;
  readonly reasons: string[];
  readonly reasonCodes: Array<string | null>;
  readonly colour: string;
  readonly holder: string | undefined;
  readonly maskedNumber: string | undefined;
  readonly readBy: string | undefined;
}

/** Waits for the verdict screen, then reads it as the clerk would. */
async function verdictOn(screen: Page): Promise<Shown> {
  const main = screen.locator('.kiosk[data-screen=verdict] main[data-result]');
  await main.waitFor();
  const holder = main.locator('.holder');
  const hasHolder = (await holder.count()) > 0;
  return {
    result: await main.getAttribute('data-result'),
    // textContent: the words as written (English headings are upper-cased by CSS).
    word: ((await main.locator('h1').textContent()) ?? '').trim(),
    summary: ((await main.locator('.verdict-summary').textContent()) ?? '').trim(),
    reasons: await main.locator('.reasons li').allInnerTexts(),
    reasonCodes: await main.locator('.reasons li').evaluateAll((items) => items.map((item) => item.getAttribute('data-reason'))),
    colour: await screen.locator('.stage').evaluate((stage) => getComputedStyle(stage).backgroundColor),
    holder: hasHolder ? await holder.locator('.fact-name dd').innerText() : undefined,
    maskedNumber: hasHolder && (await holder.locator('.masked-number').count()) > 0 ? await holder.locator('.masked-number [aria-hidden=true]').innerText() : undefined,
    readBy: hasHolder ? await holder.locator('.fact-minor dd').innerText() : undefined,
  };
}

function expectVerdict(shown: Shown, result: Result, reasons: readonly Reason[], language: 'zh-CN' | 'en' = 'zh-CN'): void {
  expect(shown.result).toBe(result);
  expect(shown.colour).toBe(TONE[result]);
  expect(shown.word).toBe(RESULT_TEXT[result].word[language]);
  expect(shown.summary).toBe(RESULT_TEXT[result].summary[language]);
  expect(shown.reasonCodes).toEqual([...reasons]);
  expect(shown.reasons).toEqual(reasons.map((reason) => REASON_TEXT[reason][language]));
}

/** The clerk presses Done; the screen is waiting again. */
async function dismiss(screen: Page): Promise<void> {
  await screen.locator('.verdict-actions .button.primary').click();
  await screen.locator('.kiosk[data-screen=waiting]').waitFor();
}

async function openPanel(screen: Page): Promise<void> {
  const toggle = screen.locator('.simulation-toggle');
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  await screen.locator('#simulation-body').waitFor();
}

/** Presses a button of the simulation panel, as a demonstrator would. */
async function simulateOnPanel(screen: Page, step: Extract<SimulationAction, { action: 'presentCode' | 'presentCard' }>): Promise<void> {
  await screen.locator('.kiosk[data-screen=waiting]').waitFor();
  await openPanel(screen);
  if (step.action === 'presentCode') {
    await screen.locator(`input[name=sim-via][value=${step.via}]`).check();
    await screen.locator(`.sim-buttons button[data-sample=${step.sample}]`).first().click();
  } else {
    await screen.locator(`.sim-buttons button[data-sample=${step.sample}]`).click();
  }
}

async function present(screen: Page, step: Extract<SimulationAction, { action: 'presentCode' | 'presentCard' }>): Promise<Shown> {
  await simulateOnPanel(screen, step);
  return verdictOn(screen);
}

/** A keyboard-wedge scanner: a whole code in a burst of keystrokes 5 ms apart, then Enter. */
async function wedgeScan(screen: Page, text: string): Promise<void> {
  await screen.keyboard.type(text, { delay: 5 });
  await screen.keyboard.press('Enter');
}

async function noticesOn(screen: Page): Promise<string[]> {
  return screen.locator('.notices li').allInnerTexts();
}

async function signIn(screen: Page, pin: string): Promise<void> {
  if ((await screen.locator('.pin-display').count()) === 0) await screen.locator('.operator-button').click();
  await screen.locator('.pin-display').waitFor();
  // A person's pace: the wedge listener is off while the pad is open, but a clerk is no scanner.
  await screen.keyboard.type(pin, { delay: 60 });
  await screen.keyboard.press('Enter');
}

async function openConsole(screen: Page): Promise<ReturnType<Page['locator']>> {
  await signIn(screen, DEMO_PIN);
  const consoleDialog = screen.locator('.console[role=dialog]');
  await consoleDialog.locator('.console-grid').waitFor();
  return consoleDialog;
}

async function signOut(screen: Page): Promise<void> {
  await screen.locator('.console[role=dialog] .console-head .button.secondary').click();
  await screen.locator('.console[role=dialog]').waitFor({ state: 'detached' });
}

/** Rows of a console table as [header, cell, cell, …] texts. */
async function rows(table: ReturnType<Page['locator']>): Promise<string[][]> {
  return table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.children, (cell) => (cell as HTMLElement).innerText.trim())));
}

// ——— the tests ———

describe('the waiting screen', () => {
  test('the kiosk serves the waiting screen in Chinese, with the simulation panel beside it, and it passes axe', async () => {
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    expect((await page.locator('main h1').innerText()).trim()).toBe(UI.present['zh-CN']);
    expect(await page.locator('.site-name').innerText()).toBe('Demo Hotel 示例酒店');
    expect(await page.locator('.notices li').count()).toBe(0);
    expect(await runAxe(page)).toEqual([]);
    await screenshot(page, 'kiosk-waiting');

    await openPanel(page);
    expect(await runAxe(page)).toEqual([]);
    await screenshot(page, 'kiosk-simulation-panel');
  });
});

describe('each verdict path from a simulated device to the screen', () => {
  test('a valid code on the simulated QR scanner, from the simulation panel: green, the holder, the number masked', async () => {
    const shown = await present(page, { action: 'presentCode', sample: 'valid', via: 'qr-scanner' });
    expectVerdict(shown, 'valid', []);
    expect(shown.holder).toBe('张三');
    expect(shown.maskedNumber).toMatch(/^110105\*{8}\d{3}[\dX]$/);
    expect(shown.readBy).toBe(`${SOURCE_TEXT['qr-scanner']['zh-CN']} · ${FORMAT_TEXT.eid['zh-CN']}`);
    // The whole document number is never on the screen.
    expect(await page.locator('body').innerText()).not.toMatch(/\d{17}[\dX]/);
    // The hotel profile takes the visitor's photo with the (simulated) camera on a valid verdict.
    expect(await page.locator('.holder img.holder-photo').getAttribute('src')).toMatch(/^data:image\/jpeg;base64,/);
    expect(await runAxe(page)).toEqual([]);
    await screenshot(page, 'kiosk-verdict-valid');
    await dismiss(page);
  });

  test("a valid code through the contract's simulate command on browser mode's WebSocket", async () => {
    const client = await connectScreenClient(teardown, main.url);
    try {
      expect(await client.send({ type: 'simulate', step: { action: 'presentCode', sample: 'valid', via: 'qr-scanner' } })).toEqual({ ok: true });
      const shown = await verdictOn(page);
      expectVerdict(shown, 'valid', []);
      expect(shown.holder).toBe('张三');
      await dismiss(page);
    } finally {
      client.close();
    }
  });

  test('a valid code shown to the simulated camera (rendered, captured and decoded)', async () => {
    const shown = await present(page, { action: 'presentCode', sample: 'valid', via: 'camera' });
    expectVerdict(shown, 'valid', []);
    expect(shown.readBy).toBe(`${SOURCE_TEXT.camera['zh-CN']} · ${FORMAT_TEXT.eid['zh-CN']}`);
    await dismiss(page);
    await page.locator('input[name=sim-via][value=qr-scanner]').check();
  });

  test('a keyboard-wedge scan typed into the page is taken as a scan wherever focus is', async () => {
    // Focus on a control of the panel: the burst must neither press it nor be lost.
    await page.locator('.sim-buttons button[data-sample=tampered]').focus();
    await wedgeScan(page, demo.codes.code('valid'));
    const shown = await verdictOn(page);
    expectVerdict(shown, 'valid', []);
    expect(shown.readBy).toBe(`${SOURCE_TEXT['keyboard-wedge']['zh-CN']} · ${FORMAT_TEXT.eid['zh-CN']}`);
    await dismiss(page);
  });

  const cards = ['resident', 'resident-long-term', 'hk-macao-taiwan', 'foreign-2017', 'foreign-2023', 'revoked-card'] as const;
  test('each sample card on the simulated reader: its verdict, the holder, the number masked', async () => {
    const today = new Date().toISOString().slice(0, 10);
    for (const sample of cards) {
      const record = demo.codes.card(sample);
      // The simulator's fixture cards age: past their end date a card is expired (as test/integration/start/demo-samples.test.ts says).
      const expired = record.validTo !== 'long-term' && /^\d{4}-\d{2}-\d{2}$/.test(record.validTo) && record.validTo < today;
      const [result, reasons]: [Result, Reason[]] = sample === 'revoked-card' ? ['invalid', ['revoked']] : expired ? ['invalid', ['document_expired']] : ['valid', []];
      const shown = await present(page, { action: 'presentCard', sample });
      expectVerdict(shown, result, reasons);
      expect(shown.holder, sample).toBe(record.name || record.nameEnglish);
      expect(shown.maskedNumber, sample).toBe(maskDocumentNumber(record.idNumber));
      expect(shown.readBy, sample).toBe(`${SOURCE_TEXT['card-reader']['zh-CN']} · ${FORMAT_TEXT.card['zh-CN']}`);
      expect(await page.locator('body').innerText()).not.toContain(record.idNumber);
      await dismiss(page);
    }
    await page.locator('.sim-lift').click();
  });

  const refused: ReadonlyArray<[Extract<SimulationAction, { action: 'presentCode' }>['sample'], Reason[]]> = [
    ['expired', ['expired']],
    ['revoked', ['revoked']],
    ['tampered', ['bad_signature']],
    ['foreign-issuer', ['unknown_kid']],
  ];
  for (const [sample, reasons] of refused) {
    test(`a ${sample} code: red, 无效, the reason in plain words`, async () => {
      const shown = await present(page, { action: 'presentCode', sample, via: 'qr-scanner' });
      expectVerdict(shown, 'invalid', reasons);
      if (sample === 'revoked') {
        expect(await runAxe(page)).toEqual([]);
        await screenshot(page, 'kiosk-verdict-invalid');
      }
      await dismiss(page);
    });
  }
});

describe('replay', () => {
  test("the demo's replayed sample (a new signature over an accepted cti) is refused as replayed", async () => {
    expectVerdict(await present(page, { action: 'presentCode', sample: 'valid', via: 'qr-scanner' }), 'valid', []);
    await dismiss(page);
    expectVerdict(await present(page, { action: 'presentCode', sample: 'replayed', via: 'qr-scanner' }), 'invalid', ['replayed']);
    await dismiss(page);
  });

  test('the very same code scanned twice, past the debounce window, is valid once and then replayed', async () => {
    const code = demo.codes.code('valid');
    await wedgeScan(page, code);
    expectVerdict(await verdictOn(page), 'valid', []);
    const firstAt = Date.now();
    await dismiss(page);
    // Within the session's debounce window (2 s by default) the same text is the same scan, not a second one.
    await page.waitForTimeout(Math.max(0, firstAt + 2200 - Date.now()));
    await wedgeScan(page, code);
    expectVerdict(await verdictOn(page), 'invalid', ['replayed']);
    await dismiss(page);
  });
});

describe('the operator console', () => {
  test('wrong PINs are refused with the attempts left; 2468 opens the console: devices, lists, recent verdicts', async () => {
    await signIn(page, '1357');
    await expect.poll(() => page.getByRole('alert').innerText()).toBe(UI.wrongPin['zh-CN'](4));
    await signIn(page, '9999');
    await expect.poll(() => page.getByRole('alert').innerText()).toBe(UI.wrongPin['zh-CN'](3));
    const consoleDialog = await openConsole(page);

    const [devices, lists, recent] = [consoleDialog.locator('table').nth(0), consoleDialog.locator('table').nth(1), consoleDialog.locator('table.recent')];
    expect(await rows(devices)).toEqual([
      ['读卡器', '模拟', ''],
      ['扫码器', '模拟', ''],
      ['摄像头', '模拟', ''],
      ['指示灯与蜂鸣器', '模拟', ''],
    ]);
    const listRows = await rows(lists);
    expect(listRows.map((row) => row[0])).toEqual([UI.trustList['zh-CN'], UI.statusList['zh-CN']]);
    for (const row of listRows) expect(row[1]).toMatch(/^\d+$/);
    // Recent verdicts: result, reasons, source — never a name or a number.
    const recentRows = await rows(recent);
    expect(recentRows.length).toBeGreaterThanOrEqual(10);
    expect(recentRows[0]![1]).toBe(RESULT_TEXT.invalid.word['zh-CN']);
    expect(recentRows[0]![2]).toBe(REASON_TEXT.replayed['zh-CN']);
    const text = await consoleDialog.innerText();
    expect(text).not.toContain('张三');
    expect(text).not.toMatch(/\d{6}\*{8}/);
    expect(text).toContain(main.kiosk.audit.deviceId);
    expect(await runAxe(page)).toEqual([]);
    await screenshot(page, 'kiosk-console');
    await signOut(page);
  });

  test('manual sync brings the lists the bureau just published onto the console', async () => {
    const consoleDialog = await openConsole(page);
    const lists = consoleDialog.locator('table').nth(1);
    const before = (await rows(lists)).map((row) => row[1]);
    // Published only now, with the console open, and synced at once: a background cycle (the
    // login's audit record nudges one two seconds later) has next to no time to fetch them first.
    const trustSeq = demo.world.bureau.publishTrustList();
    const statusSeq = demo.world.bureau.publishStatusList();
    expect(before).not.toEqual([String(trustSeq), String(statusSeq)]);
    await consoleDialog.getByRole('button', { name: UI.syncNow['zh-CN'] }).click();
    await expect.poll(() => consoleDialog.locator('.sync-answer').innerText()).toBe(UI.syncStarted['zh-CN']);
    await expect.poll(async () => (await rows(lists)).map((row) => row[1])).toEqual([String(trustSeq), String(statusSeq)]);
    expect(await consoleDialog.locator('.facts .pill').first().innerText()).toBe('在线');
    await signOut(page);
  });
});

describe('language', () => {
  test('the visitor switches zh-CN ↔ en on the waiting screen and on a verdict', async () => {
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.getAttribute('html', 'lang')).toBe('en');
    expect(((await page.locator('main h1').textContent()) ?? '').trim()).toBe(UI.present.en);
    expect(main.kiosk.state().language).toBe('en');

    const shown = await present(page, { action: 'presentCode', sample: 'revoked', via: 'qr-scanner' });
    expectVerdict(shown, 'invalid', ['revoked'], 'en');
    expect(await runAxe(page)).toEqual([]);
    await page.getByRole('button', { name: '中文' }).click();
    await expect.poll(async () => ((await page.locator('main h1').textContent()) ?? '').trim()).toBe(RESULT_TEXT.invalid.word['zh-CN']);
    expectVerdict(await verdictOn(page), 'invalid', ['revoked'], 'zh-CN');
    expect(main.kiosk.state().language).toBe('zh-CN');
    await dismiss(page);
    expect((await page.locator('main h1').innerText()).trim()).toBe(UI.present['zh-CN']);
  });
});

describe('devices', () => {
  test('unplugging a device on the simulation panel shows its notice; plugging it back clears it', async () => {
    await openPanel(page);
    const absent = (device: 'card-reader' | 'qr-scanner') => noticeText('zh-CN', { code: 'device_absent', device });
    await page.locator('button[data-unplug=card-reader]').click();
    await expect.poll(() => noticesOn(page)).toEqual([absent('card-reader')]);
    await page.locator('button[data-unplug=qr-scanner]').click();
    await expect.poll(() => noticesOn(page)).toEqual([absent('card-reader'), absent('qr-scanner')]);

    const consoleDialog = await openConsole(page);
    const devices = await rows(consoleDialog.locator('table').nth(0));
    expect(devices[0]!.slice(0, 2)).toEqual(['读卡器', '未连接']);
    expect(devices[1]!.slice(0, 2)).toEqual(['扫码器', '未连接']);
    await signOut(page);

    await page.locator('button[data-replug=card-reader]').click();
    await page.locator('button[data-replug=qr-scanner]').click();
    await expect.poll(() => noticesOn(page)).toEqual([]);
    // Working again: a code on the scanner gives its verdict.
    expectVerdict(await present(page, { action: 'presentCode', sample: 'valid', via: 'qr-scanner' }), 'valid', []);
    await dismiss(page);
  });
});

describe('an offline bureau', () => {
  test('the console shows the bureau unreachable; verification goes on offline; back online, sync works again', async () => {
    demo.world.bureau.faults({ dropRate: 1 });
    try {
      const consoleDialog = await openConsole(page);
      await consoleDialog.getByRole('button', { name: UI.syncNow['zh-CN'] }).click();
      await expect.poll(() => consoleDialog.locator('.sync-answer').innerText(), { timeout: 20_000 }).toBe(UI.commandFailed['zh-CN']);
      await expect.poll(() => consoleDialog.locator('.facts .pill').first().innerText(), { timeout: 8000 }).toBe('离线');
      expect(await consoleDialog.locator('.facts').innerText()).toContain(UI.lastError['zh-CN']);
      await signOut(page);
      expect(await noticesOn(page)).toEqual([noticeText('zh-CN', { code: 'offline' })]);

      expectVerdict(await present(page, { action: 'presentCode', sample: 'valid', via: 'qr-scanner' }), 'valid', []);
      await dismiss(page);
      expectVerdict(await present(page, { action: 'presentCode', sample: 'revoked', via: 'qr-scanner' }), 'invalid', ['revoked']);
      await dismiss(page);
      const backlogDialog = await openConsole(page);
      expect(Number(await backlogDialog.locator('[data-testid=backlog]').innerText())).toBeGreaterThan(0);
      await signOut(page);
    } finally {
      demo.world.bureau.faults({});
    }
    const consoleDialog = await openConsole(page);
    await consoleDialog.getByRole('button', { name: UI.syncNow['zh-CN'] }).click();
    await expect.poll(() => consoleDialog.locator('.sync-answer').innerText(), { timeout: 20_000 }).toBe(UI.syncStarted['zh-CN']);
    // The console learns the new state from main's next operator push (every 5 s), not from syncNow's answer.
    await expect.poll(() => consoleDialog.locator('.facts .pill').first().innerText(), { timeout: 8000 }).toBe('在线');
    expect(await consoleDialog.locator('[data-testid=backlog]').innerText()).toBe('0');
    await signOut(page);
    expect(await noticesOn(page)).toEqual([]);
  });
});

describe('stale lists', () => {
  test('a kiosk whose lists are past next-update plus grace answers cannot_validate and says why; the PIN pad locks after 5 wrong PINs', async () => {
    const stale = await prepareDemoFolder(teardown, 'verikiosk-e2e-stale-');
    // A site that allows no grace past `nu`, and a bureau whose latest lists are due again in 1 s.
    const configFile = writeKioskConfig(stale.world, 'no-grace', (config) => ({ ...config, site: { ...config.site, overrides: { listGraceHours: 0 } } }));
    const trustSeq = stale.world.bureau.publishTrustList({ nuSeconds: 1 });
    const statusSeq = stale.world.bureau.publishStatusList({ nuSeconds: 1 });
    const kiosk = await startKioskServer(teardown, stale.world, { configFile, name: 'stale' });
    const { page: screen, errors } = await openKioskPage(teardown, browser, kiosk.url);

    // The kiosk took the bureau's lists at its first sync; a few seconds later they are stale.
    await expect.poll(() => noticesOn(screen), { timeout: 15_000 }).toEqual([noticeText('zh-CN', { code: 'lists_stale' })]);
    const shown = await present(screen, { action: 'presentCode', sample: 'valid', via: 'qr-scanner' });
    expectVerdict(shown, 'cannot_validate', ['stale_trust_list', 'stale_status_list']);
    expect(await runAxe(screen)).toEqual([]);
    await screenshot(screen, 'kiosk-verdict-cannot-validate');
    await dismiss(screen);
    // A card is checked against the status list only.
    expectVerdict(await present(screen, { action: 'presentCard', sample: 'resident-long-term' }), 'cannot_validate', ['stale_status_list']);
    await dismiss(screen);

    const consoleDialog = await openConsole(screen);
    const lists = await rows(consoleDialog.locator('table').nth(1));
    expect(lists.map((row) => row[1])).toEqual([String(trustSeq), String(statusSeq)]);
    for (const row of lists) expect(row[4]).toMatch(/^已过期/);
    await signOut(screen);

    for (let attempt = 1; attempt <= 4; attempt++) {
      await signIn(screen, '0000');
      await expect.poll(() => screen.getByRole('alert').innerText()).toBe(UI.wrongPin['zh-CN'](5 - attempt));
    }
    await signIn(screen, '0000');
    await expect.poll(() => screen.getByRole('alert').innerText()).toMatch(/^输入错误次数过多，已锁定至 \d\d:\d\d:\d\d$/);
    expect(await screen.locator('.pin-pad .key').first().isDisabled()).toBe(true);
    // Locked: even the right PIN is not taken.
    await screen.keyboard.type(DEMO_PIN, { delay: 60 });
    expect(await screen.locator('.pin-display').innerText()).not.toContain('●');
    expect(errors).toEqual([]);
  });
});

describe('a real serial scanner', () => {
  test('a code written by the simulator into a socat pty reaches the kiosk’s SerialQrScanner and its verdict shows in Chromium', async () => {
    const pty = await startPtyPair(teardown, demo.dir);
    const configFile = writeKioskConfig(demo.world, 'serial', (config) => ({
      ...config,
      dataDir: 'kiosk-serial',
      // An offline-only kiosk with nothing but a serial QR scanner: real drivers, no simulation.
      bureau: null,
      simulation: false,
      qrScanner: { port: pty.kioskEnd, terminator: 'cr' },
      cardReader: null,
      camera: null,
      signals: null,
    }));
    const kiosk = await startKioskServer(teardown, demo.world, { configFile, name: 'serial' });
    const { page: screen, errors } = await openKioskPage(teardown, browser, kiosk.url);
    expect(await screen.locator('.simulation').count()).toBe(0);
    const scanner = await QrScannerSimulator.open(pty.simEnd, { terminator: 'cr' });
    teardown.defer('scanner simulator', () => scanner.close());

    await scanner.send(demo.codes.code('valid'));
    const shown = await verdictOn(screen);
    expectVerdict(shown, 'valid', []);
    expect(shown.readBy).toBe(`${SOURCE_TEXT['qr-scanner']['zh-CN']} · ${FORMAT_TEXT.eid['zh-CN']}`);
    await dismiss(screen);
    await scanner.send(demo.codes.code('tampered'));
    expectVerdict(await verdictOn(screen), 'invalid', ['bad_signature']);
    expect(errors).toEqual([]);
  });
});
