// `npm start`'s launcher as a user runs it, in a child process on a fresh data folder: the demo
// bureau, the kiosk in browser mode, Chromium opened in kiosk mode (a stand-in script records how),
// the fall-back from an Electron that cannot load native modules, and a clean stop on Ctrl-C.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { CONTENT_SECURITY_POLICY } from '../../../main/api/csp.js';
import type { KioskState } from '../../../main/api/contract.js';

let scratch: string;
let dataDir: string;
let fakeBin: string;

beforeAll(() => {
  if (!existsSync('dist/renderer/index.html')) throw new Error('run `npm run build` first (the launcher serves dist/renderer)');
  scratch = mkdtempSync(join(tmpdir(), 'verikiosk-start-'));
  dataDir = join(scratch, 'demo');
  fakeBin = join(scratch, 'bin');
  mkdirSync(fakeBin);
  // Stand-ins for the external programs: they record their arguments and how they were ended.
  const recorder = (exitCode: number) =>
    `#!/bin/sh\nprintf '%s\\n' "$0" "$@" > "$FAKE_LOG"\nenv | grep '^VERIKIOSK_DEMO_' >> "$FAKE_LOG"\n` +
    (exitCode >= 0 ? `exit ${exitCode}\n` : `trap 'echo terminated >> "$FAKE_LOG"; exit 0' TERM INT\nwhile :; do sleep 0.1; done\n`);
  writeFileSync(join(fakeBin, 'chromium'), recorder(-1));
  chmodSync(join(fakeBin, 'chromium'), 0o755);
  mkdirSync(join(scratch, 'electron-dist'));
  writeFileSync(join(scratch, 'electron-dist', 'electron'), recorder(3));
  chmodSync(join(scratch, 'electron-dist', 'electron'), 0o755);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Launched {
  readonly child: ChildProcess;
  readonly url: string;
  output(): string;
  stop(): Promise<number | null>;
}

async function launch(args: string[], env: Record<string, string | undefined>): Promise<Launched> {
  const baseEnv = { ...process.env };
  delete baseEnv.DISPLAY;
  delete baseEnv.WAYLAND_DISPLAY;
  delete baseEnv.ELECTRON_OVERRIDE_DIST_PATH;
  const child = spawn(process.execPath, ['--import', 'tsx', 'tools/start.ts', '--data', dataDir, ...args], {
    env: { ...baseEnv, ...env } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no screen URL within 60 s:\n${out}`)), 60_000);
    const look = () => {
      const m = /screen\s+(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        child.stdout!.off('data', look);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', look);
    void exited.then((code) => reject(new Error(`launcher exited (${code}) before serving:\n${out}`)));
  });
  return {
    child,
    url,
    output: () => out,
    stop: async () => {
      child.kill('SIGINT');
      return exited;
    },
  };
}

function firstState(url: string): Promise<KioskState> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${u.host}/ws?token=${u.searchParams.get('token')}`, { headers: { Origin: u.origin } });
    ws.once('message', (data) => {
      resolve((JSON.parse(String(data)) as { state: KioskState }).state);
      ws.close();
    });
    ws.once('error', reject);
  });
}

describe('npm start (tools/start.ts)', () => {
  it('on a fresh folder: demo bureau, enrolled kiosk, browser mode, Chromium opened in kiosk mode; Ctrl-C stops everything', async () => {
    const chromiumLog = join(scratch, 'chromium.log');
    const run = await launch([], { PATH: `${fakeBin}:${process.env.PATH}`, DISPLAY: ':99', FAKE_LOG: chromiumLog });
    try {
      expect(run.output()).toContain('PIN 2468');
      const page = await fetch(run.url);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      const state = await firstState(run.url);
      expect(state).toMatchObject({ screen: 'waiting', simulation: true, site: { profile: 'hotel', name: 'Demo Hotel 示例酒店' } });

      await expect.poll(() => existsSync(chromiumLog) && readFileSync(chromiumLog, 'utf8'), { timeout: 10_000 }).toContain('--kiosk');
      const args = readFileSync(chromiumLog, 'utf8').split('\n');
      expect(args).toContain(`--app=${run.url}`);
      expect(args).toContain('--disable-background-networking');
      expect(args).toContain('--disable-component-update');
      expect(args).toContain('--no-first-run');
      const profile = args.find((a) => a.startsWith('--user-data-dir='))!.slice('--user-data-dir='.length);
      expect(profile.startsWith(`${dataDir}/chromium-`)).toBe(true);
      expect(existsSync(profile)).toBe(true);

      const kioskLog = readFileSync(join(dataDir, 'logs', 'kiosk.log'), 'utf8');
      expect(kioskLog).toContain('"event":"enrolled"');

      expect(await run.stop()).toBe(0);
      expect(readFileSync(chromiumLog, 'utf8')).toContain('terminated');
      expect(existsSync(profile)).toBe(false);
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  it('falls back to browser mode when Electron cannot load the native modules, keeping the demo folder', async () => {
    const electronLog = join(scratch, 'electron.log');
    const before = JSON.parse(readFileSync(join(dataDir, 'verikiosk.json'), 'utf8')) as { bureau: { enrolmentCode: string; url: string } };
    const run = await launch(['--no-open'], { DISPLAY: ':99', ELECTRON_OVERRIDE_DIST_PATH: join(scratch, 'electron-dist'), FAKE_LOG: electronLog });
    try {
      const recorded = readFileSync(electronLog, 'utf8');
      expect(recorded).toContain(join('dist', 'tools', 'demo', 'electron-main.js'));
      expect(recorded).toContain(`VERIKIOSK_DEMO_CONFIG=${join(dataDir, 'verikiosk.json')}`);
      expect(run.output()).toContain('electron-builder install-app-deps');
      expect((await firstState(run.url)).screen).toBe('waiting');
      const after = JSON.parse(readFileSync(join(dataDir, 'verikiosk.json'), 'utf8')) as typeof before;
      expect(after.bureau.enrolmentCode).toBe(before.bureau.enrolmentCode);
      expect(run.output()).toContain('--no-open');
      expect(await run.stop()).toBe(0);
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  it('without a display prints the URL and opens nothing', async () => {
    const chromiumLog = join(scratch, 'chromium-nodisplay.log');
    const run = await launch(['--browser'], { PATH: `${fakeBin}:${process.env.PATH}`, FAKE_LOG: chromiumLog });
    try {
      expect(run.output()).toMatch(/open the URL above in Chromium \(no display/);
      expect(existsSync(chromiumLog)).toBe(false);
      expect(readdirSync(dataDir).filter((n) => n.startsWith('chromium-'))).toEqual([]);
      expect(await run.stop()).toBe(0);
    } finally {
      run.child.kill('SIGKILL');
    }
  });
});
