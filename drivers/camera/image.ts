// Camera images as bytes and as pixels: PNG/JPEG recognition, header sizes, bounded decoding to
// RGBA flattened onto white, and luminance for the JavaScript QR reader.
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

export type ImageFormat = 'png' | 'jpeg';

/** Decoded pixels, 4 bytes (R, G, B, A) a pixel, rows top to bottom, fully opaque. */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** Every code an ImageError can carry. Add codes, never rename them. */
export type ImageErrorCode = 'unreadable_file' | 'not_an_image' | 'image_too_large' | 'corrupt_image';

const MEANINGS: Record<ImageErrorCode, string> = {
  unreadable_file: 'The image file could not be read.',
  not_an_image: 'The data is not a PNG or JPEG image.',
  image_too_large: 'The image has more pixels than the decoder accepts.',
  corrupt_image: 'The image is damaged or truncated and could not be decoded.',
};

/** An image that cannot be turned into pixels. `message` never holds image content. */
export class ImageError extends Error {
  override readonly name = 'ImageError';
  readonly code: ImageErrorCode;
  readonly meaning: string;
  /** What exactly was wrong (a path, a size), when known. */
  readonly detail: string | undefined;

  constructor(code: ImageErrorCode, detail?: string, options?: { cause?: unknown }) {
    const meaning = MEANINGS[code];
    super(detail ? `${meaning} (${detail})` : meaning, options);
    this.code = code;
    this.meaning = meaning;
    this.detail = detail;
  }
}

/**
 * Largest image decoded, in pixels. A 12 MP phone photo fits; a crafted header claiming
 * 60,000 × 60,000 is refused before any memory is spent on it.
 */
export const MAX_PIXELS = 24_000_000;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function imageFormatOf(bytes: Uint8Array): ImageFormat | null {
  if (bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return null;
}

/**
 * Width and height from the header alone (PNG IHDR, JPEG start-of-frame), without decoding.
 * Null when the bytes are not a PNG/JPEG or the header is cut short.
 */
export function imageSizeOf(bytes: Uint8Array): { format: ImageFormat; width: number; height: number } | null {
  const format = imageFormatOf(bytes);
  if (format === null) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (format === 'png') {
    // IHDR is always the first chunk: length(4) "IHDR"(4) width(4) height(4).
    if (bytes.length < 24 || view.getUint32(12) !== 0x49484452) return null;
    return { format, width: view.getUint32(16), height: view.getUint32(20) };
  }
  // Walk the JPEG segments to the first SOFn (C0–CF, except DHT C4, JPG C8 and DAC CC).
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    const length = view.getUint16(at + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (at + 9 > bytes.length) return null;
      return { format, width: view.getUint16(at + 7), height: view.getUint16(at + 5) };
    }
    if (marker === 0xda || length < 2) return null; // scan data before any frame header
    at += 2 + length;
  }
  return null;
}

/**
 * Decodes a PNG or JPEG into opaque RGBA. Transparent pixels are composited onto white, as
 * ZXing's BufferedImageLuminanceSource does: a code drawn on a transparent background is dark
 * on light, not dark on black.
 */
export function decodeImage(bytes: Uint8Array, maxPixels = MAX_PIXELS): RgbaImage {
  const size = imageSizeOf(bytes);
  if (size === null) {
    if (imageFormatOf(bytes) === null) throw new ImageError('not_an_image');
    throw new ImageError('corrupt_image', 'no readable header');
  }
  if (size.width === 0 || size.height === 0) throw new ImageError('corrupt_image', 'zero width or height');
  if (size.width * size.height > maxPixels) {
    throw new ImageError('image_too_large', `${size.width}×${size.height}, limit ${maxPixels} pixels`);
  }
  let image: RgbaImage;
  try {
    if (size.format === 'png') {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      image = { width: png.width, height: png.height, data: png.data };
    } else {
      const jpg = jpeg.decode(bytes, {
        useTArray: true,
        formatAsRGBA: true,
        tolerantDecoding: true,
        maxResolutionInMP: maxPixels / 1e6,
        maxMemoryUsageInMB: 512,
      });
      image = { width: jpg.width, height: jpg.height, data: jpg.data };
    }
  } catch (err) {
    throw new ImageError('corrupt_image', `${size.format.toUpperCase()}: ${(err as Error).message}`, { cause: err });
  }
  flattenOntoWhite(image.data);
  return image;
}

function flattenOntoWhite(rgba: Uint8Array): void {
  for (let i = 3; i < rgba.length; i += 4) {
    const a = rgba[i]!;
    if (a === 255) continue;
    const white = 255 * (255 - a);
    rgba[i - 3] = Math.round((rgba[i - 3]! * a + white) / 255);
    rgba[i - 2] = Math.round((rgba[i - 2]! * a + white) / 255);
    rgba[i - 1] = Math.round((rgba[i - 1]! * a + white) / 255);
    rgba[i] = 255;
  }
}

/** One luminance byte a pixel, with ZXing's integer weights (≈ ITU-R BT.601). */
export function luminanceOf(image: RgbaImage): Uint8ClampedArray {
  const { data } = image;
  const out = new Uint8ClampedArray(image.width * image.height);
  for (let i = 0, j = 0; i < out.length; i++, j += 4) {
    out[i] = (data[j]! * 306 + data[j + 1]! * 601 + data[j + 2]! * 117 + 512) >> 10;
  }
  return out;
}
