// The serial ports on this machine and where a configured stable name (/dev/serial/by-id/…) points
// now. Lists through serialport (udev); without udevadm, from the /dev/serial/by-id links and sysfs.
import { constants } from 'node:fs';
import { access, lstat, readdir, readFile, readlink, realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { SerialPort } from 'serialport';

type PortInfo = Awaited<ReturnType<typeof SerialPort.list>>[number];

/** One serial port; ids are lower-case hex without 0x, as udev gives them. */
export interface SerialPortEntry {
  /** The kernel's name for it now, e.g. /dev/ttyUSB0 (changes with plug order). */
  path: string;
  /** The stable names that point to it, e.g. /dev/serial/by-id/usb-1a86_USB_Serial-if00-port0. */
  byId: string[];
  vendorId?: string;
  productId?: string;
  manufacturer?: string;
  serialNumber?: string;
}

export interface SerialPortListing {
  ports: SerialPortEntry[];
  /** `udev`: serialport's list (udevadm); `dev`: the fallback that reads /dev and sysfs itself. */
  source: 'udev' | 'dev';
  /** Why the fallback was used. */
  notice?: string;
}

/** Where to look; tests point these at a fake tree. */
export interface SerialProbe {
  /** Where /dev is. Default /dev. */
  devRoot?: string;
  /** Where sysfs is. Default /sys. */
  sysfsRoot?: string;
  /** Default serialport's SerialPort.list (runs `udevadm info -e`). */
  listPorts?: () => Promise<PortInfo[]>;
}

/** A stable link and the device it points to (which may be gone). */
export interface ByIdLink {
  name: string;
  target: string;
}

const BY_ID = '/dev/serial/by-id';
/** USB serial adapters (ttyUSB: CH340, CP210x, FTDI, PL2303), CDC-ACM devices, the Pi's PL011 UARTs (ttyS* is left out: on a PC most are phantom legacy ports). */
const TTY_NAME = /^tty(USB|ACM|AMA)\d+$/;

/** Lists the serial ports, merging every by-id name that points to each. Never throws. */
export async function listSerialPorts(probe: SerialProbe = {}): Promise<SerialPortListing> {
  const devRoot = probe.devRoot ?? '/dev';
  const links = await readByIdLinks(devRoot);
  const namesOf = (path: string) => links.filter((l) => l.target === path).map((l) => l.name);
  let listed: PortInfo[];
  try {
    listed = await (probe.listPorts ?? (() => SerialPort.list()))();
  } catch (err) {
    return {
      ports: await listFromDev(devRoot, probe.sysfsRoot ?? '/sys', links),
      source: 'dev',
      notice: `listing through udev failed (${(err as Error).message}; is the udev package installed?): listed from /dev and sysfs instead`,
    };
  }
  const ports = listed.map((p) => {
    const byId = namesOf(p.path);
    // Without read access to /dev/serial the link udev itself knows is still worth showing.
    if (p.pnpId && !byId.includes(`${BY_ID}/${p.pnpId}`)) byId.push(`${BY_ID}/${p.pnpId}`);
    return withIds({ path: p.path, byId }, p);
  });
  // udev's database can lag behind (or be empty in a container): a port with a stable name is always shown.
  for (const target of new Set(links.map((l) => l.target))) {
    if (!ports.some((p) => p.path === target)) ports.push({ path: target, byId: namesOf(target) });
  }
  return { ports, source: 'udev' };
}

/** The /dev/serial/by-id links, as system paths (/dev/…) even when devRoot is a test tree. */
export async function readByIdLinks(devRoot = '/dev'): Promise<ByIdLink[]> {
  const dir = join(devRoot, 'serial', 'by-id');
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const links: ByIdLink[] = [];
  for (const name of names.sort()) {
    try {
      const target = resolve(dir, await readlink(join(dir, name)));
      links.push({ name: `${BY_ID}/${name}`, target: toSystemPath(devRoot, target) });
    } catch {
      // Not a link (or gone since readdir): udev only puts links here.
    }
  }
  return links;
}

export type SerialPortProblem = { state: 'absent' | 'faulty'; why: string; check: string };

export interface SerialPortResolution {
  /** The path as configured. */
  configured: string;
  /** The device it reaches now, e.g. /dev/ttyUSB0; absent when it reaches none. */
  path?: string;
  problem?: SerialPortProblem;
  /** A configured /dev/ttyUSBn works until the next replug renumbers it: this says to use a stable name. */
  advice?: string;
}

/** Where a configured serial path (a by-id name, a /dev/verikiosk-… link or a plain tty) points now. */
export async function resolveSerialPort(configured: string, probe: Pick<SerialProbe, 'devRoot'> = {}): Promise<SerialPortResolution> {
  const devRoot = probe.devRoot ?? '/dev';
  const onDisk = toDiskPath(devRoot, configured);
  const out: SerialPortResolution = { configured };
  if (/^\/dev\/tty(USB|ACM)\d+$/.test(configured)) {
    out.advice = `${configured} may be another device after the next replug: configure its ${BY_ID}/… name instead`;
  }
  try {
    await lstat(onDisk);
  } catch {
    const others = (await readByIdLinks(devRoot)).map((l) => l.name);
    const listHint = others.length ? `devices plugged in now: ${others.join(', ')}` : `no USB serial device is plugged in (${BY_ID} is empty)`;
    out.problem = {
      state: 'absent',
      why: `${configured} not found`,
      check: configured.startsWith(`${BY_ID}/`)
        ? `is the device plugged in? The name holds its serial number, so a different unit has a different name; ${listHint}`
        : `is the device plugged in, and is the udev rule that makes this name installed (config/udev/99-verikiosk.rules)? ${listHint}`,
    };
    return out;
  }
  let real: string;
  try {
    real = await realpath(onDisk);
  } catch {
    const target = await readlink(onDisk).then((t) => toSystemPath(devRoot, resolve(dirname(onDisk), t)), () => '?');
    out.problem = { state: 'absent', why: `${configured} points to ${target}, which is gone`, check: 'unplug the device and plug it in again; udev will renew the link' };
    return out;
  }
  out.path = toSystemPath(await realpath(devRoot).catch(() => devRoot), real);
  try {
    await access(real, constants.R_OK | constants.W_OK);
  } catch {
    out.problem = {
      state: 'faulty',
      why: `permission denied on ${out.path}`,
      check: 'add the kiosk user to the dialout group (sudo usermod -aG dialout USER), or install config/udev/99-verikiosk.rules, then log in again',
    };
  }
  return out;
}

/** Without udev: the by-id links' targets and the tty devices in /dev, with USB ids from sysfs. */
async function listFromDev(devRoot: string, sysfsRoot: string, links: ByIdLink[]): Promise<SerialPortEntry[]> {
  const paths = new Set<string>();
  for (const l of links) paths.add(l.target);
  try {
    for (const name of await readdir(devRoot)) if (TTY_NAME.test(name)) paths.add(`/dev/${name}`);
  } catch {
    // No /dev to read: the links are all there is.
  }
  const entries: SerialPortEntry[] = [];
  for (const path of [...paths].sort()) {
    const entry: SerialPortEntry = { path, byId: links.filter((l) => l.target === path).map((l) => l.name) };
    entries.push(withIds(entry, await usbIdentity(sysfsRoot, basename(path))));
  }
  return entries;
}

interface UsbIdentity {
  vendorId?: string | undefined;
  productId?: string | undefined;
  manufacturer?: string | undefined;
  serialNumber?: string | undefined;
}

/** The USB device above a tty in sysfs: the nearest ancestor of its `device` with an idVendor file. */
async function usbIdentity(sysfsRoot: string, tty: string): Promise<UsbIdentity> {
  let dir: string;
  try {
    dir = await realpath(join(sysfsRoot, 'class', 'tty', tty, 'device'));
  } catch {
    return {};
  }
  const root = await realpath(sysfsRoot).catch(() => sysfsRoot);
  for (let up = 0; up < 4 && dir.startsWith(`${root}/`); up++, dir = dirname(dir)) {
    const vendorId = await readTrimmed(join(dir, 'idVendor'));
    if (vendorId === undefined) continue;
    const [productId, manufacturer, serialNumber] = await Promise.all(['idProduct', 'manufacturer', 'serial'].map((f) => readTrimmed(join(dir, f))));
    return { vendorId, productId, manufacturer, serialNumber };
  }
  return {};
}

function withIds(entry: SerialPortEntry, ids: UsbIdentity): SerialPortEntry {
  if (ids.vendorId) entry.vendorId = ids.vendorId.toLowerCase();
  if (ids.productId) entry.productId = ids.productId.toLowerCase();
  if (ids.manufacturer) entry.manufacturer = ids.manufacturer;
  if (ids.serialNumber) entry.serialNumber = ids.serialNumber;
  return entry;
}

async function readTrimmed(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return undefined;
  }
}

/** /dev/x → <devRoot>/x; other paths (a pty under /tmp) are taken as they are. */
export function toDiskPath(devRoot: string, path: string): string {
  return path.startsWith('/dev/') ? join(devRoot, path.slice('/dev/'.length)) : path;
}

/** <devRoot>/x → /dev/x, so messages show what the operator would type on the kiosk. */
export function toSystemPath(devRoot: string, path: string): string {
  const root = resolve(devRoot);
  return path === root ? '/dev' : path.startsWith(`${root}/`) ? `/dev/${path.slice(root.length + 1)}` : path;
}
