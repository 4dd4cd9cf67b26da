// Builds fake /sys, /dev and /etc trees in a temporary directory, laid out as the kernel and udev
// lay them out on a Pi (gpiochips, by-id links, ttys under USB devices, video4linux names).
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

export interface DeviceTree {
  root: string;
  sys: string;
  dev: string;
  etc: string;
  remove(): void;
}

export function makeTree(): DeviceTree {
  const root = mkdtempSync(join(tmpdir(), 'verikiosk-tree-'));
  const tree = { root, sys: join(root, 'sys'), dev: join(root, 'dev'), etc: join(root, 'etc'), remove: () => rmSync(root, { recursive: true, force: true }) };
  for (const d of [tree.sys, tree.dev, tree.etc]) mkdirSync(d, { recursive: true });
  return tree;
}

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

function link(path: string, target: string): void {
  mkdirSync(dirname(path), { recursive: true });
  symlinkSync(relative(dirname(path), target), path);
}

/** A gpiochip as the kernel shows it: /sys/class/gpio/gpiochipN/{label,base,ngpio}, newline-terminated. */
export function addGpioChip(tree: DeviceTree, label: string, base: number, ngpio: number): void {
  const dir = join(tree.sys, 'class', 'gpio', `gpiochip${base}`);
  write(join(dir, 'label'), `${label}\n`);
  write(join(dir, 'base'), `${base}\n`);
  write(join(dir, 'ngpio'), `${ngpio}\n`);
}

/** The sysfs GPIO export file that onoff opens (its presence is what accessible checks). */
export function addGpioExport(tree: DeviceTree): void {
  write(join(tree.sys, 'class', 'gpio', 'export'), '');
}

export interface UsbSerial {
  tty: string;
  byId?: string[];
  usb?: { vendor: string; product: string; manufacturer?: string; serial?: string; busPath?: string };
}

/**
 * A USB serial device: the /dev node, its udev by-id links (relative, as udev makes them), and
 * sysfs's /sys/class/tty/<tty>/device pointing into the USB device that holds idVendor.
 */
export function addUsbSerial(tree: DeviceTree, d: UsbSerial): void {
  write(join(tree.dev, d.tty), '');
  for (const name of d.byId ?? []) link(join(tree.dev, 'serial', 'by-id', name), join(tree.dev, d.tty));
  if (d.usb) {
    const usbDir = join(tree.sys, 'devices', 'platform', 'usb1', d.usb.busPath ?? `1-1-${d.tty}`);
    write(join(usbDir, 'idVendor'), `${d.usb.vendor}\n`);
    write(join(usbDir, 'idProduct'), `${d.usb.product}\n`);
    if (d.usb.manufacturer) write(join(usbDir, 'manufacturer'), `${d.usb.manufacturer}\n`);
    if (d.usb.serial) write(join(usbDir, 'serial'), `${d.usb.serial}\n`);
    // ttyUSB sits below the interface's usb-serial port; ttyACM directly below the interface.
    const iface = join(usbDir, `${d.tty}-if`, d.tty.startsWith('ttyUSB') ? d.tty : '');
    mkdirSync(iface, { recursive: true });
    link(join(tree.sys, 'class', 'tty', d.tty, 'device'), iface);
  }
}

export function addVideo(tree: DeviceTree, n: number, name: string): void {
  write(join(tree.dev, `video${n}`), '');
  write(join(tree.sys, 'class', 'video4linux', `video${n}`, 'name'), `${name}\n`);
}

export function writeGroups(tree: DeviceTree, lines: string[]): void {
  write(join(tree.etc, 'group'), `${lines.join('\n')}\n`);
}
