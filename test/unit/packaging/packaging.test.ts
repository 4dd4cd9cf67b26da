// The packaging's security-relevant settings: electron-builder.yml as electron-builder itself reads
// and validates it, the fuses hook run on a binary image holding a fuse wire, the systemd unit.
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../config/index.js';
import { CLI_FLAG } from '../../../main/shell/run.js';
import { KIOSK_FUSES, afterPack } from '../../../tools/packaging/fuses.js';

const require = createRequire(import.meta.url);
const ROOT = process.cwd();

interface BuilderConfig {
  appId?: string;
  productName?: string;
  executableName?: string;
  asar?: boolean;
  files?: Array<string | { filter?: string[] }>;
  npmRebuild?: boolean;
  buildDependenciesFromSource?: boolean;
  afterPack?: string;
  electronFuses?: unknown;
  linux?: { target?: Array<string | { target: string; arch?: unknown }> };
  deb?: { depends?: string[]; fpm?: string[]; afterInstall?: string; afterRemove?: string };
}

let config: BuilderConfig;

beforeAll(async () => {
  // electron-builder's own loader and schema validation: what `npx electron-builder` will see.
  const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
    getConfig(projectDir: string, configPath: string | null, fromOptions: null): Promise<BuilderConfig>;
    validateConfiguration(config: BuilderConfig, logger: unknown): Promise<void>;
  };
  const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
  config = await getConfig(ROOT, join(ROOT, 'electron-builder.yml'), null);
  await validateConfiguration(config, new DebugLogger(false));
});

describe('electron-builder.yml', () => {
  it('names the product and packs the app into an asar', () => {
    expect(config).toMatchObject({ productName: 'verikiosk', executableName: 'verikiosk', asar: true });
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z]+)+$/);
  });

  it('ships the compiled app only: dist/ and package.json, without tools/ or source maps', () => {
    // electron-builder normalises the list into { filter: [...] } sets.
    const patterns = (config.files ?? []).flatMap((f) => (typeof f === 'string' ? [f] : (f.filter ?? [])));
    expect(patterns).toEqual(expect.arrayContaining(['package.json', 'dist/**', '!dist/tools/**', '!dist/**/*.map']));
    expect(patterns.some((f) => /^(main|renderer|tools|test)\//.test(f))).toBe(false);
  });

  it('rebuilds native modules from source for Electron', () => {
    expect(config.npmRebuild).toBe(true);
    expect(config.buildDependenciesFromSource).toBe(true);
  });

  it('flips the fuses in its afterPack hook only (no second, built-in fuse setting)', () => {
    expect(config.afterPack).toBe('./dist/tools/packaging/fuses.js');
    expect(existsSync(join(ROOT, 'tools/packaging/fuses.ts'))).toBe(true);
    expect(config.electronFuses).toBeUndefined();
  });

  it('targets deb and AppImage, leaving the architecture to the command line (one per build)', () => {
    const targets = (config.linux?.target ?? []).map((t) => (typeof t === 'string' ? t : t.target));
    expect(targets.sort()).toEqual(['AppImage', 'deb']);
    for (const t of config.linux?.target ?? []) if (typeof t !== 'string') expect(t.arch).toBeUndefined();
  });

  it('makes a deb that depends on cage and installs the unit, PAM stack, udev rules and command', () => {
    expect(config.deb?.depends).toEqual(expect.arrayContaining(['cage', 'fonts-noto-cjk']));
    const mapped = Object.fromEntries((config.deb?.fpm ?? []).map((m) => m.split('=') as [string, string]));
    expect(mapped).toEqual({
      'tools/packaging/linux/verikiosk-command.sh': '/usr/bin/verikiosk',
      'config/systemd/verikiosk.service': '/usr/lib/systemd/system/verikiosk.service',
      'config/systemd/verikiosk.pam': '/etc/pam.d/verikiosk',
      'config/udev/99-verikiosk.rules': '/usr/lib/udev/rules.d/99-verikiosk.rules',
      'docs/deploy.md': '/usr/share/doc/verikiosk/deploy.md',
    });
    for (const source of [...Object.keys(mapped), config.deb!.afterInstall!, config.deb!.afterRemove!]) expect(existsSync(join(ROOT, source)), source).toBe(true);
  });

  it('has a /usr/bin/verikiosk that runs the CLI headless through the app binary', () => {
    const script = readFileSync(join(ROOT, 'tools/packaging/linux/verikiosk-command.sh'), 'utf8');
    expect(script).toMatch(new RegExp(`^exec /opt/verikiosk/verikiosk --ozone-platform=headless --disable-gpu \\$sandbox ${CLI_FLAG} "\\$@"$`, 'm'));
    // --no-sandbox for root only, and never on the kiosk's own command line (the unit).
    expect(script).toMatch(/if \[ "\$\(id -u\)" -eq 0 \]; then sandbox=--no-sandbox; fi/);
    expect(statSync(join(ROOT, 'tools/packaging/linux/verikiosk-command.sh')).mode & 0o111).not.toBe(0);
  });
});

describe('the fuses hook', () => {
  let dir: string;
  // An executable-sized stand-in holding Electron's fuse sentinel, version 1 and an 8-fuse wire
  // set the way a fresh Electron ships it (run-as-node, NODE_OPTIONS, --inspect on).
  const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
  const stockWire = [1, 0, 1, 1, 0, 0, 0, 1];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'verikiosk-fuses-'));
    const image = Buffer.concat([
      Buffer.alloc(4096, 0x90),
      Buffer.from(SENTINEL, 'ascii'),
      Buffer.from([1, stockWire.length]),
      Buffer.from(stockWire.map((on) => (on ? 0x31 : 0x30))),
      Buffer.alloc(4096, 0x90),
    ]);
    writeFileSync(join(dir, 'verikiosk'), image);
    chmodSync(join(dir, 'verikiosk'), 0o755);
    copyFileSync(join(dir, 'verikiosk'), join(dir, 'pristine'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('decides every fuse, with run-as-node, NODE_OPTIONS and --inspect off, cookie encryption and asar-only on', () => {
    expect(KIOSK_FUSES.strictlyRequireAllFuses).toBe(true);
    expect(KIOSK_FUSES).toMatchObject({
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
    });
    const options = Object.values(FuseV1Options).filter((v): v is number => typeof v === 'number');
    for (const option of options) expect(KIOSK_FUSES, FuseV1Options[option]).toHaveProperty(String(option));
  });

  it('flips the wire in the packed executable electron-builder hands it', async () => {
    await afterPack({ appOutDir: dir, electronPlatformName: 'linux', packager: { executableName: 'verikiosk' } });
    const wire = await getCurrentFuseWire(join(dir, 'verikiosk'));
    const on = (option: FuseV1Options) => wire[option] === 0x31;
    expect(on(FuseV1Options.RunAsNode)).toBe(false);
    expect(on(FuseV1Options.EnableNodeOptionsEnvironmentVariable)).toBe(false);
    expect(on(FuseV1Options.EnableNodeCliInspectArguments)).toBe(false);
    expect(on(FuseV1Options.EnableCookieEncryption)).toBe(true);
    expect(on(FuseV1Options.OnlyLoadAppFromAsar)).toBe(true);
    expect(on(FuseV1Options.EnableEmbeddedAsarIntegrityValidation)).toBe(true);
    // Nothing else in the file moved.
    const before = readFileSync(join(dir, 'pristine'));
    const after = readFileSync(join(dir, 'verikiosk'));
    expect(after.length).toBe(before.length);
    const wireAt = before.indexOf(SENTINEL) + SENTINEL.length + 2;
    expect(Buffer.compare(after.subarray(0, wireAt), before.subarray(0, wireAt))).toBe(0);
    expect(Buffer.compare(after.subarray(wireAt + stockWire.length), before.subarray(wireAt + stockWire.length))).toBe(0);
  });

  it('refuses a platform it was not written for', async () => {
    await expect(afterPack({ appOutDir: dir, electronPlatformName: 'darwin', packager: { executableName: 'verikiosk' } })).rejects.toThrow(/Linux only/);
  });
});

describe('config/systemd/verikiosk.service', () => {
  const unit = readFileSync(join(ROOT, 'config/systemd/verikiosk.service'), 'utf8');
  const values = (key: string) =>
    unit
      .split('\n')
      .filter((line) => line.startsWith(`${key}=`))
      .map((line) => line.slice(key.length + 1));
  const words = (key: string) => values(key).flatMap((v) => v.split(/\s+/).filter(Boolean));

  it('runs the app under cage as the dedicated user, restarting on failure', () => {
    expect(values('User')).toEqual(['verikiosk']);
    expect(values('ExecStart')).toEqual(['/usr/bin/cage -d -- /opt/verikiosk/verikiosk --ozone-platform=wayland']);
    expect(values('Restart')).toEqual(['on-failure']);
    expect(values('Environment')).toContain('VERIKIOSK_CONFIG=/etc/verikiosk/config.json');
  });

  it('starts after time sync and the network when it can, without requiring them', () => {
    for (const target of ['time-sync.target', 'network-online.target']) {
      expect(words('After'), target).toContain(target);
      expect(words('Wants'), target).toContain(target);
      expect(words('Requires'), target).not.toContain(target);
    }
  });

  it('keeps serial, GPIO, camera and GPU reachable while hardening the rest', () => {
    expect(words('SupplementaryGroups')).toEqual(expect.arrayContaining(['dialout', 'gpio', 'video']));
    for (const breaksDevices of ['PrivateDevices', 'DeviceAllow', 'DevicePolicy', 'ProtectClock', 'ProtectKernelTunables', 'MemoryDenyWriteExecute', 'RestrictNamespaces']) {
      expect(values(breaksDevices), breaksDevices).toEqual([]);
    }
    expect(values('NoNewPrivileges')).toEqual(['yes']);
    expect(values('ProtectSystem')).toEqual(['strict']);
    expect(values('CapabilityBoundingSet')).toEqual(['']);
    expect(values('StateDirectory')).toEqual(['verikiosk']);
  });
});

describe('docs/deploy.md', () => {
  it("gives an installer a configuration the kiosk accepts", () => {
    const doc = readFileSync(join(ROOT, 'docs/deploy.md'), 'utf8');
    const block = /```json\n([\s\S]*?)\n```/.exec(doc)?.[1];
    expect(block).toBeDefined();
    const config = parseConfig(JSON.parse(block!));
    expect(config).toMatchObject({ site: { profile: 'hotel' }, dataDir: '/var/lib/verikiosk', simulation: false });
  });

  it('names the service, the command and the paths the package installs', () => {
    const doc = readFileSync(join(ROOT, 'docs/deploy.md'), 'utf8');
    for (const needle of ['systemctl enable --now verikiosk', 'verikiosk doctor --config /etc/verikiosk/config.json', 'journalctl -u verikiosk', '/usr/lib/udev/rules.d/99-verikiosk.rules', 'apt install ./verikiosk_']) {
      expect(doc, needle).toContain(needle);
    }
  });
});
