// The configuration: defaults for everything a site leaves out, the bad key named in the error
// (the signals section through drivers/gpio's own checker), paths relative to the file, profiles.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, DEFAULTS, DEFAULT_DEVICE_PATHS, PROFILES, parseConfig } from '../../../config/index.js';
import { DEFAULT_DEVICES } from '../../../main/cli/doctor.js';
import { loadConfig, profileOf } from '../../../main/kiosk/config.js';

const anchors = [{ pem: '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----' }];
const minimal = { trust: { anchors } };

function errorOf(input: unknown): ConfigError {
  try {
    loadConfig(input as object);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('defaults', () => {
  it('fills every section a site leaves out', () => {
    const c = loadConfig(minimal);
    expect(c.site).toEqual({ profile: 'hotel', name: 'verikiosk', overrides: {} });
    expect(c.language).toBe('zh-CN');
    expect(c.dataDir).toBe(DEFAULTS.dataDir);
    expect(c.cardReader).toEqual({ port: '/dev/verikiosk-card-reader', baudRate: 115_200, pollIntervalMs: 300 });
    expect(c.qrScanner).toEqual({ port: '/dev/verikiosk-qr-scanner', baudRate: 9600, terminator: 'cr', prefix: '', suffix: '' });
    expect(c.camera).toMatchObject({ device: '/dev/video0', scanCodes: false });
    expect(c.signals).toEqual({ pins: { green: 17, red: 27, buzzer: 22, relay: 23 }, activeLow: {}, relay: { enabled: false, pulseMs: 1000, maxPulseMs: 3000 }, attentionLights: 'amber' });
    expect(c.bureau).toBeNull();
    expect(c.operator).toEqual({ idleLogoutSeconds: 120, maxAttempts: 5, lockoutSeconds: 30, maxLockoutSeconds: 3600 });
    expect(c.session).toEqual({ debounceMs: 2000, maxHoldSeconds: 300 });
    expect(c.simulation).toBe(false);
  });

  it('uses the device names of the udev rules and of `verikiosk doctor`', () => {
    expect(DEFAULT_DEVICE_PATHS).toEqual({ cardReader: DEFAULT_DEVICES.cardReader.port, qrScanner: DEFAULT_DEVICES.qrScanner.port, camera: DEFAULT_DEVICES.camera.device });
  });

  it('null marks a device the kiosk does not have', () => {
    const c = loadConfig({ ...minimal, cardReader: null, camera: null, signals: null });
    expect(c.cardReader).toBeNull();
    expect(c.camera).toBeNull();
    expect(c.signals).toBeNull();
    expect(c.qrScanner).not.toBeNull();
  });
});

describe('bad keys are named', () => {
  it.each([
    [{ ...minimal, cardReader: { port: 3 } }, 'config: cardReader.port: expected string'],
    [{ ...minimal, cardReader: { port: 'ttyUSB0' } }, 'config: cardReader.port: expected an absolute device path, e.g. /dev/serial/by-id/…'],
    [{ ...minimal, cardReader: { prot: '/dev/x' } }, 'config: cardReader.prot: unknown key (a typing mistake?)'],
    [{ ...minimal, qrScanner: { terminator: 'tab' } }, 'config: qrScanner.terminator: expected one of "cr", "lf", "crlf", "none"'],
    [{ ...minimal, site: { profile: 'shop' } }, 'config: site.profile: expected one of "hotel", "rail", "bank"'],
    [{ ...minimal, site: { overrides: { verdictSeconds: 'long' } } }, 'config: site.overrides.verdictSeconds: expected number'],
    [{ ...minimal, bureau: { url: 'ftp://bureau' } }, 'config: bureau.url: expected an http(s) URL'],
    [{ ...minimal, operator: { pin: { algorithm: 'scrypt' } } }, 'config: operator.pin.N: required (expected number)'],
    [{ ...minimal, operator: { pin: { algorithm: 'md5' } } }, 'config: operator.pin.algorithm: expected one of "scrypt"'],
    [{ ...minimal, simulation: 'yes' }, 'config: simulation: expected boolean'],
    [{ ...minimal, colour: 'red' }, 'config: colour: unknown key (a typing mistake?)'],
    [{}, 'config: trust: required (expected object)'],
    [{ trust: { anchors: [] } }, 'config: trust.anchors: expected at least one trust anchor'],
    [{ trust: { anchors: [{ path: 'x' }] } }, 'config: trust.anchors.0: expected { "file": PATH } or { "pem": "-----BEGIN PUBLIC KEY-----…" }'],
    [{ ...minimal, signals: { pins: { green: 17, red: 27, relay: 40 } } }, 'config: signals.pins.relay: must be a BCM GPIO number from 0 to 27 (the header has no higher GPIO)'],
    [{ ...minimal, signals: { relay: { enabled: 'on' } } }, 'config: signals.relay.enabled: must be true or false'],
    [{ ...minimal, signals: { pins: { green: 17, red: 17 } } }, 'config: signals.pins.red: BCM 17 is already used by signals.pins.green'],
    [{ ...minimal, signals: { blink: true } }, 'config: signals.blink: unknown key (a typing mistake?)'],
  ])('%j', (input, message) => {
    const err = errorOf(input);
    expect(err.message).toBe(message);
    expect(err.code).toBe('bad_config');
  });

  it('never quotes the rejected value', () => {
    const err = errorOf({ ...minimal, operator: { pin: { algorithm: 'scrypt', N: 1024, r: 8, p: 1, keyLength: 32, salt: 'c2FsdA==', hash: 'not base64!' } } });
    expect(err.key).toBe('operator.pin.hash');
    expect(err.message).not.toContain('not base64!');
  });

  it('refuses a configuration that is not an object', () => {
    expect(() => parseConfig([])).toThrow('config: (root): the configuration must be a JSON object');
  });
});

describe('configuration files', () => {
  it('reads JSON and takes relative paths relative to the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'verikiosk-config-'));
    dirs.push(dir);
    const file = join(dir, 'kiosk.json');
    writeFileSync(file, JSON.stringify({ dataDir: 'data', trust: { anchors: [{ file: 'keys/anchor.pem' }], baselineTrustList: 'lists/tl1' } }));
    const c = loadConfig(file);
    expect(c.dataDir).toBe(join(dir, 'data'));
    expect(c.trust.anchors).toEqual([{ file: join(dir, 'keys/anchor.pem') }]);
    expect(c.trust.baselineTrustList).toBe(join(dir, 'lists/tl1'));
  });

  it('names a file that is not JSON or cannot be read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'verikiosk-config-'));
    dirs.push(dir);
    const file = join(dir, 'kiosk.json');
    writeFileSync(file, '{ trust: ');
    expect(() => loadConfig(file)).toThrow(/^config: \(root\): .*kiosk\.json is not JSON/);
    expect(() => loadConfig(join(dir, 'missing.json'))).toThrow(/missing\.json cannot be read \(ENOENT\)/);
  });
});

describe('site profiles', () => {
  it('differ in what they show, report, trust and switch', () => {
    expect(PROFILES.hotel).toMatchObject({ report: 'guest_registration', visitorPhoto: true, relay: 'pulse_on_valid', requireTrustedClock: false });
    expect(PROFILES.rail).toMatchObject({ report: 'none', visitorPhoto: false, relay: 'never', shown: ['latinName'] });
    expect(PROFILES.bank).toMatchObject({ report: 'none', requireTrustedClock: true, listGraceHours: 24 });
    expect(PROFILES.bank.shown).toEqual(expect.arrayContaining(['birthDate', 'address']));
  });

  it('take a site’s overrides', () => {
    const c = loadConfig({ ...minimal, site: { profile: 'rail', overrides: { verdictSeconds: 8, relay: 'pulse_on_valid' } } });
    expect(profileOf(c)).toEqual({ ...PROFILES.rail, verdictSeconds: 8, relay: 'pulse_on_valid' });
  });
});
