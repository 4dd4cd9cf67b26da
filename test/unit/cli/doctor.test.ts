// `verikiosk doctor` on fake /dev, /sys and /etc trees: everything present, a missing reader, GPIO
// not accessible, configuration mistakes, a codec node taken for a camera; text and JSON output.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GPIO_NOT_ACCESSIBLE } from '../../../drivers/gpio/open.js';
import { runDoctor, type DoctorProbes, type DoctorReport } from '../../../main/cli/doctor.js';
import { addGpioChip, addUsbSerial, addVideo, makeTree, writeGroups, type DeviceTree } from '../drivers/device-trees.js';

const READER = '/dev/serial/by-id/usb-1a86_USB_Serial-if00-port0';
const SCANNER = '/dev/serial/by-id/usb-Newland_Auto-ID_NLS-FR40_USB_CDC_21F8A3C2-if00';

let tree: DeviceTree;
let probes: DoctorProbes;

beforeEach(() => {
  tree = makeTree();
  addUsbSerial(tree, { tty: 'ttyUSB0', byId: [READER.split('/').at(-1)!], usb: { vendor: '1a86', product: '7523', manufacturer: 'QinHeng Electronics' } });
  addUsbSerial(tree, { tty: 'ttyACM0', byId: [SCANNER.split('/').at(-1)!], usb: { vendor: '1eab', product: '8203', manufacturer: 'Newland Auto-ID' } });
  addVideo(tree, 0, 'HD USB Camera: HD USB Camera');
  addVideo(tree, 1, 'HD USB Camera: HD USB Camera');
  addVideo(tree, 10, 'bcm2835-codec-decode');
  addGpioChip(tree, 'pinctrl-bcm2711', 512, 58);
  addGpioChip(tree, 'raspberrypi-exp-gpio', 570, 8);
  writeGroups(tree, ['root:x:0:', 'dialout:x:20:kiosk', 'video:x:44:kiosk', 'gpio:x:997:kiosk']);
  probes = {
    devRoot: tree.dev,
    sysfsRoot: tree.sys,
    etcRoot: tree.etc,
    // udevadm is not to be relied on here: the fallback reads the fake tree.
    listPorts: () => Promise.reject(new Error('spawn udevadm ENOENT')),
    gpioAccessible: () => true,
    findCommand: async (name) => (name === 'fswebcam' ? '/usr/bin/fswebcam' : undefined),
    user: { name: 'kiosk', uid: 1000, gids: [20, 44, 997, 1000] },
  };
});
afterEach(() => tree.remove());

function writeConfig(config: unknown): string {
  const path = join(tree.root, 'kiosk.json');
  writeFileSync(path, JSON.stringify(config));
  return path;
}

async function doctor(argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await runDoctor(argv, probes, (t) => (out += t));
  return { code, out };
}

async function doctorJson(argv: string[]): Promise<{ code: number; report: DoctorReport }> {
  const { code, out } = await doctor([...argv, '--json']);
  expect(out.endsWith('\n')).toBe(true);
  return { code, report: JSON.parse(out) as DoctorReport };
}

const fullConfig = {
  site: 'hotel',
  cardReader: { port: READER },
  qrScanner: { port: SCANNER },
  camera: { device: '/dev/video0' },
  signals: { pins: { green: 17, red: 27, buzzer: 22, relay: 23 }, relay: { enabled: true } },
};

describe('doctor with everything present', () => {
  it('exits 0 and says where each configured device is', async () => {
    const { code, report } = await doctorJson(['--config', writeConfig(fullConfig)]);
    expect(code).toBe(0);
    expect(report.ok).toBe(true);
    const where = Object.fromEntries(report.devices.map((d) => [d.device, d.where]));
    expect(where).toEqual({
      card_reader: `${READER} → /dev/ttyUSB0  1a86:7523 QinHeng Electronics`,
      qr_scanner: `${SCANNER} → /dev/ttyACM0  1eab:8203 Newland Auto-ID`,
      camera: '/dev/video0 (HD USB Camera: HD USB Camera)',
      signals: 'gpiochip512 (pinctrl-bcm2711), sysfs green 529, red 539, buzzer 534, relay 535',
    });
    expect(report.devices.every((d) => d.ok && d.problem === undefined)).toBe(true);
  });

  it('lists the ports, cameras (codec nodes marked) and the GPIO controller with its base', async () => {
    const { report } = await doctorJson(['--config', writeConfig(fullConfig)]);
    expect(report.serial.source).toBe('dev');
    expect(report.serial.notice).toMatch(/udevadm/);
    expect(report.serial.ports.map((p) => [p.path, p.byId, p.vendorId, p.productId])).toEqual([
      ['/dev/ttyACM0', [SCANNER], '1eab', '8203'],
      ['/dev/ttyUSB0', [READER], '1a86', '7523'],
    ]);
    expect(report.cameras.devices.map((c) => [c.path, c.camera])).toEqual([
      ['/dev/video0', true],
      ['/dev/video1', true],
      ['/dev/video10', false],
    ]);
    expect(report.cameras.fswebcam).toBe('/usr/bin/fswebcam');
    expect(report.gpio.accessible).toBe(true);
    expect(report.gpio.chip).toEqual({ name: 'gpiochip512', label: 'pinctrl-bcm2711', base: 512, ngpio: 58 });
    expect(report.gpio.chips).toHaveLength(2);
    expect(report.groups.map((g) => [g.group, g.member])).toEqual([
      ['gpio', true],
      ['dialout', true],
      ['video', true],
    ]);
  });

  it('without --config, checks the defaults: the udev names and BCM 17/27/22/23', async () => {
    symlinkSync('ttyUSB0', join(tree.dev, 'verikiosk-card-reader'));
    symlinkSync('ttyACM0', join(tree.dev, 'verikiosk-qr-scanner'));
    const { code, report } = await doctorJson([]);
    expect(code).toBe(0);
    expect(report.configFile).toBeNull();
    expect(report.devices.map((d) => d.configured)).toEqual([
      '/dev/verikiosk-card-reader',
      '/dev/verikiosk-qr-scanner',
      '/dev/video0',
      'green BCM 17, red BCM 27, buzzer BCM 22, relay BCM 23',
    ]);
  });

  it('prints a text report with every section and the verdict', async () => {
    const { code, out } = await doctor(['--config', writeConfig(fullConfig)]);
    expect(code).toBe(0);
    expect(out).toContain('Serial ports (from /dev and sysfs):');
    expect(out).toMatch(/\/dev\/ttyUSB0\s+1a86:7523 QinHeng Electronics\n\s+\/dev\/serial\/by-id\/usb-1a86_USB_Serial-if00-port0/);
    expect(out).toMatch(/\/dev\/video10\s+bcm2835-codec-decode\s+\[codec, not a camera\]/);
    expect(out).toContain('controller:  gpiochip512 (pinctrl-bcm2711), base 512, 58 lines');
    expect(out).toMatch(/ok\s+card reader\s+\/dev\/serial\/by-id\/usb-1a86_USB_Serial-if00-port0 → \/dev\/ttyUSB0/);
    expect(out.trimEnd().endsWith('Every configured device is present.')).toBe(true);
  });
});

describe('doctor finding problems', () => {
  it('a missing card reader: exit 1, what is wrong and what is plugged in instead', async () => {
    const config = { ...fullConfig, cardReader: { port: '/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0' } };
    const { code, report } = await doctorJson(['--config', writeConfig(config)]);
    expect(code).toBe(1);
    expect(report.ok).toBe(false);
    const reader = report.devices.find((d) => d.device === 'card_reader')!;
    expect(reader.ok).toBe(false);
    expect(reader.problem).toBe('/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0 not found');
    expect(reader.check).toContain(READER);
    expect(report.devices.filter((d) => !d.ok).map((d) => d.device)).toEqual(['card_reader']);

    const { out } = await doctor(['--config', writeConfig(config)]);
    expect(out).toMatch(/PROBLEM\s+card reader/);
    expect(out).toContain('1 configured device needs attention: card reader.');
  });

  it('GPIO not accessible: the operator’s notice, and that a new login is needed for the gpio group', async () => {
    probes.gpioAccessible = () => false;
    probes.user.gids = [20, 44, 1000];
    const { code, report } = await doctorJson(['--config', writeConfig(fullConfig)]);
    expect(code).toBe(1);
    const signals = report.devices.find((d) => d.device === 'signals')!;
    expect(signals.problem).toBe(GPIO_NOT_ACCESSIBLE);
    expect(signals.check).toMatch(/log out and in again/);
    expect(report.gpio.group).toEqual({ group: 'gpio', member: false, needsLogin: true, exists: true });
  });

  it('GPIO not accessible and the user not in the group: says how to add them', async () => {
    probes.gpioAccessible = () => false;
    probes.user = { name: 'other', uid: 1001, gids: [1001] };
    const { report } = await doctorJson(['--config', writeConfig(fullConfig)]);
    expect(report.devices.find((d) => d.device === 'signals')!.check).toMatch(/usermod -aG gpio/);
  });

  it('no Pi controller: names what it found and the key to set', async () => {
    tree.remove();
    tree = makeTree();
    addGpioChip(tree, 'ftdi-cbus', 600, 4);
    probes = { ...probes, devRoot: tree.dev, sysfsRoot: tree.sys, etcRoot: tree.etc };
    const { report } = await doctorJson([]);
    const signals = report.devices.find((d) => d.device === 'signals')!;
    expect(signals.problem).toMatch(/no GPIO controller labelled pinctrl-rp1, pinctrl-bcm2711, pinctrl-bcm2835 \(found: gpiochip600 ftdi-cbus\)/);
    expect(signals.check).toMatch(/signals\.chipLabel/);
  });

  it('configuration mistakes name the key; a null section is a device the kiosk does not have', async () => {
    const config = { cardReader: { port: 7 }, qrScanner: null, camera: null, signals: { pins: { green: 17, red: 17 } } };
    const { code, report } = await doctorJson(['--config', writeConfig(config)]);
    expect(code).toBe(1);
    expect(report.devices.map((d) => [d.device, d.problem])).toEqual([
      ['card_reader', 'cardReader.port: must be an absolute device path, e.g. /dev/serial/by-id/…'],
      ['signals', 'signals.pins.red: BCM 17 is already used by signals.pins.green'],
    ]);
  });

  it('a GPU codec node configured as the camera, and fswebcam missing', async () => {
    let { report } = await doctorJson(['--config', writeConfig({ ...fullConfig, camera: { device: '/dev/video10' } })]);
    expect(report.devices.find((d) => d.device === 'camera')!.problem).toBe('/dev/video10 is the bcm2835-codec-decode video codec, not a camera');
    probes.findCommand = async () => undefined;
    ({ report } = await doctorJson(['--config', writeConfig(fullConfig)]));
    const camera = report.devices.find((d) => d.device === 'camera')!;
    expect(camera.problem).toMatch(/fswebcam is not installed/);
    expect(camera.check).toBe('sudo apt-get install fswebcam');
  });

  it('a missing camera lists the cameras there are', async () => {
    const { report } = await doctorJson(['--config', writeConfig({ ...fullConfig, camera: { device: '/dev/video4' } })]);
    const camera = report.devices.find((d) => d.device === 'camera')!;
    expect(camera.problem).toBe('/dev/video4 not found');
    expect(camera.check).toContain('/dev/video0 (HD USB Camera: HD USB Camera)');
    expect(camera.check).not.toContain('video10');
  });

  it('reader and scanner configured on the same port', async () => {
    const { report } = await doctorJson(['--config', writeConfig({ ...fullConfig, qrScanner: { port: '/dev/ttyUSB0' } })]);
    const [reader, scanner] = report.devices;
    expect(reader!.problem).toBe('the card reader and the QR scanner are both configured on /dev/ttyUSB0');
    expect(scanner!.ok).toBe(false);
    expect(scanner!.advice).toMatch(/by-id/);
  });
});

describe('doctor arguments', () => {
  it('--help prints the usage and exits 0', async () => {
    const { code, out } = await doctor(['--help']);
    expect(code).toBe(0);
    expect(out).toMatch(/^Usage: verikiosk doctor \[--config FILE\] \[--json\]/);
  });

  it('an unreadable or non-JSON configuration is a usage error (exit 2)', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect((await doctor(['--config', join(tree.root, 'missing.json')])).code).toBe(2);
      expect(stderr).toHaveBeenLastCalledWith(expect.stringMatching(/^verikiosk doctor: configuration .*missing\.json: no such file/));
      const bad = join(tree.root, 'bad.json');
      writeFileSync(bad, '{ "cardReader": ');
      expect((await doctor(['--config', bad])).code).toBe(2);
      expect(stderr).toHaveBeenLastCalledWith(expect.stringMatching(/not JSON/));
      expect((await doctor(['--config', writeConfig([1, 2])])).code).toBe(2);
      expect((await doctor(['--bogus'])).code).toBe(2);
    } finally {
      stderr.mockRestore();
    }
  });
});
