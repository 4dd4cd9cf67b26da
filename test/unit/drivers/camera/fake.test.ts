// FakeCamera: the twin keeps the real camera's interface, asynchronous captures one at a time,
// health and errors; frames come from show(), a folder, or an empty grey view.
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CameraError, type Camera, type CameraHealth } from '../../../../drivers/camera/capture.js';
import { FakeCamera } from '../../../../drivers/camera/fake.js';
import { decodeImage, imageFormatOf } from '../../../../drivers/camera/image.js';
import { readQr } from '../../../../drivers/camera/qr-read.js';

const CORPUS = '../shared/corpus/qr';
const png1 = readFileSync(join(CORPUS, 'qrcode-2/34.png'));
const png2 = readFileSync(join(CORPUS, 'qrcode-2/35.png'));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fake-camera-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('FakeCamera', () => {
  it('is a Camera: check() makes it ready, capture() returns the shown image asynchronously', async () => {
    const fake = new FakeCamera({ delayMs: 5 });
    const camera: Camera = fake;
    const health: CameraHealth[] = [];
    camera.on('health', (h) => health.push(h));
    expect(await camera.check()).toEqual({ state: 'ready' });
    fake.show(png1);
    let settled = false;
    const pending = camera.capture().then((frame) => {
      settled = true;
      return frame;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false); // never synchronously, like a real capture
    const frame = await pending;
    expect(Buffer.from(frame.bytes).equals(png1)).toBe(true);
    expect(frame).toMatchObject({ format: 'png', width: 99, height: 99 });
    expect(health).toEqual([{ state: 'ready' }]);
  });

  it('shows the folder’s images in turn, and picks up a file dropped in later', async () => {
    copyFileSync(join(CORPUS, 'qrcode-2/34.png'), join(dir, 'a.png'));
    const fake = new FakeCamera({ folder: dir, delayMs: 0 });
    const seen = async () => Buffer.from((await fake.capture()).bytes);
    expect((await seen()).equals(png1)).toBe(true);
    expect((await seen()).equals(png1)).toBe(true);
    copyFileSync(join(CORPUS, 'qrcode-2/35.png'), join(dir, 'b.png'));
    const next = [await seen(), await seen()];
    expect(next.some((b) => b.equals(png2))).toBe(true);
    expect(next.some((b) => b.equals(png1))).toBe(true);
    fake.show(png2); // a shown image wins over the folder until taken away
    expect((await seen()).equals(png2)).toBe(true);
    expect((await seen()).equals(png2)).toBe(true);
  });

  it('sees an empty grey 640×480 view with nothing shown: a JPEG with no code in it', async () => {
    const fake = new FakeCamera({ delayMs: 0 });
    const frame = await fake.capture();
    expect(frame).toMatchObject({ format: 'jpeg', width: 640, height: 480 });
    expect((await readQr(decodeImage(frame.bytes))).text).toBeNull();
  });

  it('answers overlapping captures one at a time, in order', async () => {
    const fake = new FakeCamera({ delayMs: 2 });
    fake.show(png1);
    const a = fake.capture();
    fake.show(png2); // shown while the first capture is still running
    const b = fake.capture();
    const order: string[] = [];
    await Promise.all([a.then(() => order.push('a')), b.then(() => order.push('b'))]);
    expect(order).toEqual(['a', 'b']);
    expect(fake.captures).toBe(2);
  });

  it('takePhoto() gives JPEG bytes even when the shown image is a PNG', async () => {
    const fake = new FakeCamera({ delayMs: 0 });
    fake.show(png1);
    const photo = await fake.takePhoto();
    expect(imageFormatOf(photo)).toBe('jpeg');
    const decoded = jpeg.decode(photo);
    expect([decoded.width, decoded.height]).toEqual([99, 99]);
  });

  it('unplugged: captures fail with device_missing and health is absent; replug() makes it ready', async () => {
    const fake = new FakeCamera({ delayMs: 0 });
    await fake.check();
    const health: CameraHealth[] = [];
    fake.on('health', (h) => health.push(h));
    fake.unplug();
    const err = (await fake.capture().catch((e: unknown) => e)) as CameraError;
    expect(err).toBeInstanceOf(CameraError);
    expect(err.code).toBe('device_missing');
    expect(fake.health.state).toBe('absent');
    fake.replug();
    await new Promise((resolve) => setImmediate(resolve));
    expect(fake.health).toEqual({ state: 'ready' });
    expect(health.map((h) => h.state)).toEqual(['absent', 'ready']);
    await fake.capture();
  });

  it('refuses what is not an image, and bad options', () => {
    const fake = new FakeCamera();
    expect(() => fake.show(new Uint8Array([1, 2, 3]))).toThrow(/PNG or JPEG/);
    expect(() => new FakeCamera({ delayMs: -1 })).toThrow(/"delayMs"/);
    expect(() => new FakeCamera({ folder: '' })).toThrow(/"folder"/);
  });
});
