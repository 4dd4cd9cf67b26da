// `verikiosk doctor`: what hardware this machine has (serial ports, cameras, GPIO) and, for each
// configured device, where it is or what is wrong and what to check. Every probe is injectable.
import { constants } from 'node:fs';
import { access, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { checkSignalsConfig, findHeaderChip, listGpioChips, sysfsGpioNumber, GPIO_NOT_ACCESSIBLE, LINE_NAMES, PI_GPIO_LABELS, SignalsConfigError, type GpioChip } from '../../drivers/gpio/index.js';
import { listSerialPorts, resolveSerialPort, toDiskPath, type SerialPortEntry, type SerialPortListing, type SerialProbe } from '../../drivers/supervision/index.js';
import { UsageError, readInputFile, runCommand } from './args.js';

const HELP = `Usage: verikiosk doctor [--config FILE] [--json]

  --config FILE  the kiosk's JSON configuration; the devices it names are checked
                 (cardReader.port, qrScanner.port, camera.device, signals.pins);
                 without it, the defaults: /dev/verikiosk-card-reader, /dev/verikiosk-qr-scanner,
                 /dev/video0 and BCM pins green 17, red 27, buzzer 22, relay 23.
                 A section set to null is a device this kiosk does not have.
  --json         one JSON object instead of the text report

Lists serial ports, cameras and GPIO, then says for each configured device where it
is or what is wrong. Exit 0 when every configured device is present and usable, 1
otherwise, 2 for unusable arguments or an unreadable configuration file.
`;

export const DEFAULT_DEVICES = {
  cardReader: { port: '/dev/verikiosk-card-reader' },
  qrScanner: { port: '/dev/verikiosk-qr-scanner' },
  camera: { device: '/dev/video0' },
} as const;

/** Where and how doctor looks; tests point them at fake trees. */
export interface DoctorProbes {
  devRoot: string;
  sysfsRoot: string;
  /** Where /etc is (for /etc/group). */
  etcRoot: string;
  listPorts?: SerialProbe['listPorts'];
  /** onoff's Gpio.accessible by default. */
  gpioAccessible: () => boolean | Promise<boolean>;
  /** The full path of an installed command, or undefined. */
  findCommand: (name: string) => Promise<string | undefined>;
  /** Who runs doctor: the kiosk user, ideally. */
  user: { name: string; uid: number; gids: number[] };
}

export function systemProbes(): DoctorProbes {
  return {
    devRoot: '/dev',
    sysfsRoot: '/sys',
    etcRoot: '/etc',
    gpioAccessible: async () => (await import('onoff')).Gpio.accessible,
    findCommand: (name) => findOnPath(name, process.env.PATH ?? ''),
    user: { name: userInfo().username, uid: process.getuid?.() ?? -1, gids: process.getgroups?.() ?? [] },
  };
}

export interface CameraEntry {
  path: string;
  /** What the driver calls it (/sys/class/video4linux/videoN/name). */
  name?: string;
  /** Codec and ISP nodes of the Pi's GPU are video devices too, but take no pictures. */
  camera: boolean;
}

export interface GroupStatus {
  group: string;
  /** This process has the group (root counts as having every group). */
  member: boolean;
  /** Listed in /etc/group but not in this session: a new login is needed. */
  needsLogin: boolean;
  /** The group exists on this system. */
  exists: boolean;
}

export interface GpioReport {
  accessible: boolean;
  chips: GpioChip[];
  /** The header's controller (Pi labels, or signals.chipLabel). */
  chip: GpioChip | null;
  group: GroupStatus;
}

export type DeviceRole = 'card_reader' | 'qr_scanner' | 'camera' | 'signals';

export interface DeviceCheck {
  device: DeviceRole;
  /** The configured value, as configured. */
  configured: string;
  ok: boolean;
  /** Where it is now, when found, as the operator reads it. */
  where?: string;
  /** The device node it reaches now (a serial port's /dev/ttyUSBn), when found. */
  path?: string;
  problem?: string;
  /** What to check or do about the problem. */
  check?: string;
  /** Works now, but worth changing. */
  advice?: string;
}

export interface DoctorReport {
  ok: boolean;
  configFile: string | null;
  serial: SerialPortListing;
  cameras: { devices: CameraEntry[]; fswebcam: string | null };
  gpio: GpioReport;
  groups: GroupStatus[];
  devices: DeviceCheck[];
}

/** A device section of the configuration that doctor cannot use; `key` is its dotted path. */
class BadKey {
  constructor(
    readonly key: string,
    readonly message: string,
  ) {}
}

const LABELS: Record<DeviceRole, string> = { card_reader: 'card reader', qr_scanner: 'QR scanner', camera: 'camera', signals: 'lights/relay' };
const NOT_A_CAMERA = /codec|isp|rpivid|hevc|pispbe/i;

/** Examines the machine against a configuration (parsed JSON; undefined for the defaults). */
export async function examine(config: unknown, probes: DoctorProbes, configFile: string | null = null): Promise<DoctorReport> {
  const sections = configSections(config);
  const [serial, cameras, fswebcam, chips, accessible, groups] = await Promise.all([
    listSerialPorts({ devRoot: probes.devRoot, sysfsRoot: probes.sysfsRoot, ...(probes.listPorts ? { listPorts: probes.listPorts } : {}) }),
    listCameras(probes),
    probes.findCommand('fswebcam'),
    listGpioChips(probes.sysfsRoot),
    Promise.resolve().then(probes.gpioAccessible).catch(() => false),
    Promise.all(['gpio', 'dialout', 'video'].map((g) => groupStatus(g, probes))),
  ]);
  const [gpioGroup, dialout, video] = groups as [GroupStatus, GroupStatus, GroupStatus];
  let chipLabel: string | undefined;
  try {
    chipLabel = sections.signals === null ? undefined : checkSignalsConfig(sections.signals).chipLabel;
  } catch {
    // Reported with the signals device below.
  }
  const gpio: GpioReport = { accessible, chips, chip: findHeaderChip(chips, chipLabel) ?? null, group: gpioGroup };

  const devices: DeviceCheck[] = [];
  for (const [role, section] of [['card_reader', sections.cardReader], ['qr_scanner', sections.qrScanner]] as const) {
    if (section === null) continue;
    devices.push(section instanceof BadKey ? badKey(role, section) : await checkSerialDevice(role, section, serial.ports, dialout, probes));
  }
  sameTty(devices);
  if (sections.camera !== null) {
    devices.push(sections.camera instanceof BadKey ? badKey('camera', sections.camera) : await checkCamera(sections.camera, cameras, fswebcam, video, probes));
  }
  if (sections.signals !== null) devices.push(checkSignals(sections.signals, gpio));

  return { ok: devices.every((d) => d.ok), configFile, serial, cameras: { devices: cameras, fswebcam: fswebcam ?? null }, gpio, groups, devices };
}

interface Sections {
  cardReader: string | BadKey | null;
  qrScanner: string | BadKey | null;
  camera: string | BadKey | null;
  signals: unknown;
}

/** The device settings doctor checks; other keys of the kiosk's configuration are not its business. */
function configSections(config: unknown): Sections {
  if (config === undefined) return { cardReader: DEFAULT_DEVICES.cardReader.port, qrScanner: DEFAULT_DEVICES.qrScanner.port, camera: DEFAULT_DEVICES.camera.device, signals: undefined };
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new UsageError('the configuration must be a JSON object');
  const c = config as Record<string, unknown>;
  const pick = (section: string, key: string, fallback: string): string | BadKey | null => {
    const s = c[section];
    if (s === null) return null;
    if (s === undefined) return fallback;
    if (typeof s !== 'object' || Array.isArray(s)) return new BadKey(section, 'must be an object, or null when the kiosk has no such device');
    const v = (s as Record<string, unknown>)[key];
    if (v === undefined) return fallback;
    if (typeof v !== 'string' || !v.startsWith('/')) return new BadKey(`${section}.${key}`, 'must be an absolute device path, e.g. /dev/serial/by-id/…');
    return v;
  };
  return {
    cardReader: pick('cardReader', 'port', DEFAULT_DEVICES.cardReader.port),
    qrScanner: pick('qrScanner', 'port', DEFAULT_DEVICES.qrScanner.port),
    camera: pick('camera', 'device', DEFAULT_DEVICES.camera.device),
    signals: c.signals,
  };
}

function badKey(device: DeviceRole, err: BadKey | SignalsConfigError): DeviceCheck {
  const problem = err instanceof BadKey ? `${err.key}: ${err.message}` : err.message;
  return { device, configured: err.key, ok: false, problem, check: `fix ${err.key} in the configuration file` };
}

async function checkSerialDevice(device: DeviceRole, port: string, ports: SerialPortEntry[], dialout: GroupStatus, probes: DoctorProbes): Promise<DeviceCheck> {
  const r = await resolveSerialPort(port, { devRoot: probes.devRoot });
  const out: DeviceCheck = { device, configured: port, ok: r.problem === undefined };
  if (r.path) {
    out.path = r.path;
    const entry = ports.find((p) => p.path === r.path);
    out.where = [r.path === port ? port : `${port} → ${r.path}`, entry && describePort(entry)].filter(Boolean).join('  ');
  }
  if (r.problem) {
    out.problem = r.problem.why;
    out.check = r.problem.state === 'faulty' && !dialout.member && dialout.needsLogin ? 'the user is in dialout but this session is not: log out and in again' : r.problem.check;
  }
  if (r.advice) out.advice = r.advice;
  return out;
}

/** Two devices on one tty would talk over each other: one of them is configured wrong. */
function sameTty(devices: DeviceCheck[]): void {
  const [a, b] = devices;
  if (!a?.ok || !b?.ok || a.path === undefined || a.path !== b.path) return;
  for (const d of [a, b]) {
    d.ok = false;
    d.problem = `the card reader and the QR scanner are both configured on ${a.path}`;
    d.check = 'give each device its own /dev/serial/by-id/… name (the list above shows which is which)';
  }
}

async function checkCamera(path: string, cameras: CameraEntry[], fswebcam: string | undefined, video: GroupStatus, probes: DoctorProbes): Promise<DeviceCheck> {
  const out: DeviceCheck = { device: 'camera', configured: path, ok: false };
  const entry = cameras.find((c) => c.path === path);
  const onDisk = toDiskPath(probes.devRoot, path);
  if (!entry && !(await exists(onDisk))) {
    const real = cameras.filter((c) => c.camera).map((c) => `${c.path}${c.name ? ` (${c.name})` : ''}`);
    out.problem = `${path} not found`;
    out.check = real.length ? `is the camera plugged in? Cameras seen: ${real.join(', ')}: set camera.device to one of them` : 'is the USB camera plugged in? (lsusb should list it; no /dev/video* capture device exists)';
    return out;
  }
  out.where = entry?.name ? `${path} (${entry.name})` : path;
  out.path = path;
  if (entry && !entry.camera) {
    out.problem = `${path} is the ${entry.name ?? 'GPU'} video codec, not a camera`;
    out.check = 'set camera.device to the USB camera (see Cameras above)';
    return out;
  }
  if (!(await exists(onDisk, constants.R_OK | constants.W_OK))) {
    out.problem = `permission denied on ${path}`;
    out.check = video.needsLogin ? 'the user is in video but this session is not: log out and in again' : 'add the kiosk user to the video group (sudo usermod -aG video USER) and log in again';
    return out;
  }
  if (!fswebcam) {
    out.problem = 'fswebcam is not installed: the camera driver captures through it';
    out.check = 'sudo apt-get install fswebcam';
    return out;
  }
  out.ok = true;
  return out;
}

function checkSignals(section: unknown, gpio: GpioReport): DeviceCheck {
  let settings;
  try {
    settings = checkSignalsConfig(section);
  } catch (err) {
    if (err instanceof SignalsConfigError) return badKey('signals', err);
    throw err;
  }
  const pins = LINE_NAMES.filter((l) => settings.pins[l] !== undefined).map((l) => `${l} BCM ${settings.pins[l]}`);
  const out: DeviceCheck = { device: 'signals', configured: pins.join(', '), ok: false };
  if (!gpio.accessible) {
    out.problem = GPIO_NOT_ACCESSIBLE;
    out.check = gpio.chips.length === 0
      ? 'this machine has no sysfs GPIO (/sys/class/gpio): not a Raspberry Pi, or a kernel built without CONFIG_GPIO_SYSFS'
      : gpio.group.needsLogin
      ? 'the user is in gpio but this session is not: log out and in again'
      : gpio.group.exists
        ? 'sudo usermod -aG gpio USER, then log in again'
        : 'this system has no gpio group: sudo groupadd --system gpio, add the user, install config/udev/99-verikiosk.rules';
    return out;
  }
  if (!gpio.chip) {
    const seen = gpio.chips.map((c) => `${c.name} ${c.label}`).join('; ') || 'none';
    out.problem = `no GPIO controller labelled ${settings.chipLabel ?? PI_GPIO_LABELS.join(', ')} (found: ${seen})`;
    out.check = 'on a board other than a Raspberry Pi, set signals.chipLabel to its header controller';
    return out;
  }
  const chip = gpio.chip;
  out.where = `${chip.name} (${chip.label}), sysfs ${LINE_NAMES.filter((l) => settings.pins[l] !== undefined)
    .map((l) => `${l} ${sysfsGpioNumber(chip, settings.pins[l]!)}`)
    .join(', ')}`;
  out.ok = true;
  return out;
}

async function listCameras(probes: DoctorProbes): Promise<CameraEntry[]> {
  let names: string[] = [];
  try {
    names = (await readdir(probes.devRoot)).filter((n) => /^video\d+$/.test(n));
  } catch {
    // No /dev to read: no cameras.
  }
  names.sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
  return Promise.all(
    names.map(async (n) => {
      const name = await readFile(join(probes.sysfsRoot, 'class', 'video4linux', n, 'name'), 'utf8').then((s) => s.trim(), () => undefined);
      return { path: `/dev/${n}`, ...(name ? { name } : {}), camera: !(name && NOT_A_CAMERA.test(name)) };
    }),
  );
}

async function groupStatus(group: string, probes: DoctorProbes): Promise<GroupStatus> {
  const text = await readFile(join(probes.etcRoot, 'group'), 'utf8').catch(() => '');
  const line = text.split('\n').find((l) => l.startsWith(`${group}:`));
  if (!line) return { group, member: probes.user.uid === 0, needsLogin: false, exists: false };
  const [, , gid, members = ''] = line.split(':');
  const listed = members.split(',').map((m) => m.trim()).includes(probes.user.name);
  const member = probes.user.uid === 0 || probes.user.gids.includes(Number(gid));
  return { group, member, needsLogin: listed && !member, exists: true };
}

async function exists(path: string, mode = constants.F_OK): Promise<boolean> {
  return access(path, mode).then(() => true, () => false);
}

async function findOnPath(name: string, path: string): Promise<string | undefined> {
  for (const dir of path.split(':').filter(Boolean)) {
    const candidate = join(dir, name);
    if (await exists(candidate, constants.X_OK)) return candidate;
  }
  return undefined;
}

function describePort(p: SerialPortEntry): string {
  return [p.vendorId && `${p.vendorId}:${p.productId ?? '????'}`, p.manufacturer].filter(Boolean).join(' ');
}

/** The report as the operator reads it in a terminal. */
export function formatReport(r: DoctorReport): string {
  const out: string[] = [];
  out.push(`Serial ports (${r.serial.source === 'udev' ? 'through udev' : 'from /dev and sysfs'}):`);
  if (r.serial.notice) out.push(`  note: ${r.serial.notice}`);
  if (r.serial.ports.length === 0) out.push('  none');
  for (const p of r.serial.ports) {
    out.push(`  ${[p.path.padEnd(14), describePort(p)].join(' ').trimEnd()}`);
    for (const name of p.byId) out.push(`      ${name}`);
  }
  out.push('', 'Cameras:');
  if (r.cameras.devices.length === 0) out.push('  none');
  for (const c of r.cameras.devices) out.push(`  ${c.path.padEnd(14)} ${c.name ?? '(no name)'}${c.camera ? '' : '  [codec, not a camera]'}`);
  out.push(`  fswebcam: ${r.cameras.fswebcam ?? 'not installed (sudo apt-get install fswebcam)'}`);
  out.push('', 'GPIO:');
  out.push(`  sysfs GPIO:  ${r.gpio.accessible ? 'accessible' : 'not accessible'}`);
  out.push(`  controller:  ${r.gpio.chip ? `${r.gpio.chip.name} (${r.gpio.chip.label}), base ${r.gpio.chip.base}, ${r.gpio.chip.ngpio} lines` : 'none found'}`);
  for (const c of r.gpio.chips.filter((c) => c !== r.gpio.chip)) out.push(`  other chip:  ${c.name} (${c.label}), base ${c.base}`);
  out.push('', 'Groups of this user:');
  for (const g of r.groups) out.push(`  ${g.group.padEnd(8)} ${!g.exists ? 'no such group' : g.member ? 'yes' : g.needsLogin ? 'added, but log out and in again' : 'no'}`);
  out.push('', `Configured devices (${r.configFile ?? 'defaults'}):`);
  for (const d of r.devices) {
    out.push(`  ${(d.ok ? 'ok' : 'PROBLEM').padEnd(8)} ${LABELS[d.device].padEnd(13)} ${d.where ?? d.configured}`);
    if (d.problem) out.push(`           what:  ${d.problem}`);
    if (d.check) out.push(`           check: ${d.check}`);
    if (d.advice) out.push(`           note:  ${d.advice}`);
  }
  const bad = r.devices.filter((d) => !d.ok).map((d) => LABELS[d.device]);
  out.push('', bad.length ? `${bad.length} configured device${bad.length > 1 ? 's need' : ' needs'} attention: ${bad.join(', ')}.` : 'Every configured device is present.');
  return `${out.join('\n')}\n`;
}

/** run() with the probes and output passed in; what tests call. */
export async function runDoctor(argv: string[], probes: DoctorProbes, write: (text: string) => void): Promise<number> {
  return runCommand('doctor', async () => {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { config: { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) {
      write(HELP);
      return 0;
    }
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    let config: unknown;
    if (values.config !== undefined) {
      const text = readInputFile(values.config, 'configuration').toString('utf8');
      try {
        config = JSON.parse(text);
      } catch (err) {
        throw new UsageError(`configuration ${values.config}: not JSON (${(err as Error).message})`);
      }
    }
    const report = await examine(config, probes, values.config ?? null);
    write(values.json ? `${JSON.stringify(report)}\n` : formatReport(report));
    return report.ok ? 0 : 1;
  });
}

export async function run(argv: string[]): Promise<number> {
  return runDoctor(argv, systemProbes(), (text) => process.stdout.write(text));
}
