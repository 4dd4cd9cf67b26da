// The QR passes in-thread: zxing-cpp and @zxing/library each on their own, inverted codes,
// the largest of several codes, and the kiosk's ladder falling back on a miss.
import { readFileSync } from 'node:fs';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { decodeImage, luminanceOf, type RgbaImage } from '../../../../drivers/camera/image.js';
import { KIOSK_QR_PASSES, readQr, readWithZxingCpp, readWithZxingJs, type QrPass } from '../../../../drivers/camera/qr-read.js';

const corpus = (name: string) => ({
  image: decodeImage(readFileSync(`../shared/corpus/qr/${name}.png`)),
  text: readFileSync(`../shared/corpus/qr/${name}.txt`, 'utf8'),
});

async function rendered(text: string): Promise<RgbaImage> {
  return decodeImage(await QRCode.toBuffer(text, { type: 'png', errorCorrectionLevel: 'M', scale: 4, margin: 4 }));
}

function inverted(image: RgbaImage): RgbaImage {
  const data = Uint8Array.from(image.data, (v, i) => (i % 4 === 3 ? v : 255 - v));
  return { ...image, data };
}

describe('single engines', () => {
  it('zxing-cpp and @zxing/library both read a clean code exactly', async () => {
    const text = 'EID1:6BFOXN*TS0BI$ZD4N9:9S6RCVN5+O30K3/XIV0W23NTDEPWK G2EP4J0B3KL6QM5/OVGA/MAT%ZSN';
    const image = await rendered(text);
    expect(await readWithZxingCpp(image)).toBe(text);
    expect(readWithZxingJs(image.width, image.height, luminanceOf(image), { binarizer: 'hybrid' })).toBe(text);
    expect(readWithZxingJs(image.width, image.height, luminanceOf(image), { binarizer: 'global-histogram' })).toBe(text);
  });

  it('@zxing/library needs its inverted pass for a light-on-dark code; zxing-cpp tries inverted itself', async () => {
    const text = 'light on dark';
    const image = inverted(await rendered(text));
    const lum = luminanceOf(image);
    expect(readWithZxingJs(image.width, image.height, lum, { binarizer: 'hybrid' })).toBeNull();
    expect(readWithZxingJs(image.width, image.height, lum, { binarizer: 'hybrid', inverted: true })).toBe(text);
    expect(await readWithZxingCpp(image)).toBe(text);
  });

  it('keeps text byte-exact: CR LF and trailing spaces (18), Japanese (31), a long URL (22)', async () => {
    for (const name of ['qrcode-2/18', 'qrcode-2/31', 'qrcode-2/22']) {
      const { image, text } = corpus(name);
      expect(await readWithZxingCpp(image), name).toBe(text);
    }
  });

  it('of two codes in view, zxing-cpp answers with the largest (qrcode-2/16: a code inside a code)', async () => {
    const { image, text } = corpus('qrcode-2/16');
    expect(text).toMatch(/^\[外側QRコード\]/); // "outer QR code"
    expect(await readWithZxingCpp(image)).toBe(text);
  });

  it('reports no code for an image without one', async () => {
    const blank: RgbaImage = { width: 64, height: 64, data: new Uint8Array(64 * 64 * 4).fill(255) };
    expect(await readWithZxingCpp(blank)).toBeNull();
    expect(readWithZxingJs(64, 64, luminanceOf(blank), { binarizer: 'hybrid' })).toBeNull();
  });
});

describe('readQr (the kiosk ladder)', () => {
  it('stops at the first pass that reads, naming it', async () => {
    const image = await rendered('first pass');
    expect(await readQr(image)).toEqual({ text: 'first pass', engine: 'zxing-cpp' });
  });

  it('goes on to the next pass on a miss', async () => {
    const calls: string[] = [];
    const passes: QrPass[] = [
      { name: 'misses', read: () => (calls.push('misses'), null) },
      { name: 'reads', read: (_img, lum) => (calls.push(`reads ${lum().length}`), 'found') },
      { name: 'never', read: () => (calls.push('never'), 'late') },
    ];
    expect(await readQr({ width: 2, height: 1, data: new Uint8Array(8) }, passes)).toEqual({ text: 'found', engine: 'reads' });
    expect(calls).toEqual(['misses', 'reads 2']);
  });

  it('reads corpus codes zxing-cpp’s first pass misses (qrcode-2/28 and /12) through its fallbacks', async () => {
    for (const name of ['qrcode-2/28', 'qrcode-2/12']) {
      const { image, text } = corpus(name);
      expect(await KIOSK_QR_PASSES[0]!.read(image, () => luminanceOf(image)), name).toBeNull();
      const read = await readQr(image);
      expect(read.text, name).toBe(text);
      expect(read.engine, name).not.toBe('zxing-cpp');
    }
  });

  it('answers null with no engine when nothing reads', async () => {
    const grey: RgbaImage = { width: 32, height: 32, data: new Uint8Array(32 * 32 * 4).fill(128) };
    expect(await readQr(grey)).toEqual({ text: null });
  });
});
