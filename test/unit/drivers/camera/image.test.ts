// Camera images: format and size from headers, bounded decoding with typed errors, alpha
// flattened onto white, and ZXing's luminance.
import { readFileSync } from 'node:fs';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { ImageError, decodeImage, imageFormatOf, imageSizeOf, luminanceOf } from '../../../../drivers/camera/image.js';

const corpusPng = readFileSync('../shared/corpus/qr/qrcode-1/1.png'); // 640 × 480 RGB

function pngOf(width: number, height: number, rgba: number[]): Buffer {
  const png = new PNG({ width, height });
  png.data = Buffer.from(rgba);
  return PNG.sync.write(png);
}

const errorOf = (fn: () => unknown): ImageError => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ImageError);
    return err as ImageError;
  }
  throw new Error('expected an ImageError');
};

describe('imageFormatOf / imageSizeOf', () => {
  it('recognises PNG and JPEG by their signatures and reads the size from the header', () => {
    expect(imageFormatOf(corpusPng)).toBe('png');
    expect(imageSizeOf(corpusPng)).toEqual({ format: 'png', width: 640, height: 480 });
    const jpg = jpeg.encode({ width: 123, height: 45, data: new Uint8Array(123 * 45 * 4) }, 75).data;
    expect(imageSizeOf(jpg)).toEqual({ format: 'jpeg', width: 123, height: 45 });
    expect(imageFormatOf(new TextEncoder().encode('GIF89a....'))).toBeNull();
    expect(imageSizeOf(new Uint8Array(0))).toBeNull();
  });

  it('returns null for a header cut short', () => {
    expect(imageSizeOf(corpusPng.subarray(0, 20))).toBeNull();
    const jpg = jpeg.encode({ width: 8, height: 8, data: new Uint8Array(256) }, 75).data;
    expect(imageSizeOf(jpg.subarray(0, 10))).toBeNull();
  });
});

describe('decodeImage', () => {
  it('decodes PNG and JPEG to RGBA of the right size', () => {
    const png = decodeImage(corpusPng);
    expect([png.width, png.height, png.data.length]).toEqual([640, 480, 640 * 480 * 4]);
    const grey = new Uint8Array(16 * 8 * 4).fill(90);
    const jpg = decodeImage(jpeg.encode({ width: 16, height: 8, data: grey }, 100).data);
    expect([jpg.width, jpg.height]).toEqual([16, 8]);
    expect(Math.abs(jpg.data[0]! - 90)).toBeLessThanOrEqual(2);
    expect(jpg.data[3]).toBe(255);
  });

  it('composites transparent pixels onto white, as ZXing does', () => {
    // Pixel 1: transparent black; pixel 2: opaque black; pixel 3: half-transparent black.
    const img = decodeImage(pngOf(3, 1, [0, 0, 0, 0, 0, 0, 0, 255, 0, 0, 0, 128]));
    expect(Array.from(img.data)).toEqual([255, 255, 255, 255, 0, 0, 0, 255, 127, 127, 127, 255]);
  });

  it('refuses what is not PNG/JPEG, a header too large to decode, and damaged data, each with its code', () => {
    expect(errorOf(() => decodeImage(new TextEncoder().encode('{"not": "an image"}'))).code).toBe('not_an_image');

    // A PNG header claiming 60,000 × 60,000: refused before any pixel memory is spent.
    const huge = Buffer.from(corpusPng.subarray(0, 33));
    huge.writeUInt32BE(60_000, 16);
    huge.writeUInt32BE(60_000, 20);
    const tooLarge = errorOf(() => decodeImage(huge));
    expect(tooLarge.code).toBe('image_too_large');
    expect(tooLarge.message).toMatch(/60000×60000/);
    expect(errorOf(() => decodeImage(corpusPng, 1000)).code).toBe('image_too_large');

    expect(errorOf(() => decodeImage(corpusPng.subarray(0, 2000))).code).toBe('corrupt_image');
    expect(errorOf(() => decodeImage(corpusPng.subarray(0, 12))).code).toBe('corrupt_image');
  });
});

describe('luminanceOf', () => {
  it('uses ZXing’s integer weights (306, 601, 117) / 1024', () => {
    const lum = luminanceOf({ width: 4, height: 1, data: new Uint8Array([255, 255, 255, 255, 0, 0, 0, 255, 255, 0, 0, 255, 0, 255, 0, 255]) });
    expect(Array.from(lum)).toEqual([255, 0, 76, 150]);
  });
});
