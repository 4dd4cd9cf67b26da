// QR reading from decoded pixels: zxing-cpp (zxing-wasm, its .wasm loaded from the package on
// disk, never the network), @zxing/library, and the kiosk's ladder of passes over both.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import {
  BinaryBitmap,
  DecodeHintType,
  Exception as ZxingJsException,
  GlobalHistogramBinarizer,
  HybridBinarizer,
  QRCodeReader,
  RGBLuminanceSource,
} from '@zxing/library';
import { ZXING_WASM_SHA256, prepareZXingModule, readBarcodes, type ReadResult, type ReaderOptions } from 'zxing-wasm/reader';
import { luminanceOf, type RgbaImage } from './image.js';

let cppLoading: Promise<void> | undefined;

/**
 * Instantiates zxing-cpp from `zxing-wasm/reader/zxing_reader.wasm` in node_modules. Without
 * this, zxing-wasm would fetch the binary from a CDN on first use: every reading function
 * here awaits it first. The file is checked against the hash its JavaScript glue was built
 * for, so a half-upgraded package fails loudly instead of misbehaving.
 */
export function loadZxingCpp(): Promise<void> {
  cppLoading ??= (async () => {
    const path = createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm');
    const bytes = await readFile(path);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== ZXING_WASM_SHA256) {
      throw new Error(`zxing-wasm: ${path} does not match the package's JavaScript (sha256 ${sha256}, expected ${ZXING_WASM_SHA256}); reinstall zxing-wasm`);
    }
    const wasmBinary = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    await prepareZXingModule({ overrides: { wasmBinary }, fireImmediately: true });
  })().catch((err: unknown) => {
    cppLoading = undefined; // let a later call try again (e.g. after the package is repaired)
    throw err;
  });
  return cppLoading;
}

function asImageData(image: RgbaImage): ImageData {
  // zxing-wasm only reads data/width/height (duck-typed ImageData, see its README).
  const data = new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  return { data, width: image.width, height: image.height, colorSpace: 'srgb' } as ImageData;
}

/** Area of a found symbol in the image, from its four corners (shoelace formula). */
function areaOf(r: ReadResult): number {
  const { topLeft: a, topRight: b, bottomRight: c, bottomLeft: d } = r.position;
  return Math.abs(a.x * b.y - b.x * a.y + (b.x * c.y - c.x * b.y) + (c.x * d.y - d.x * c.y) + (d.x * a.y - a.x * d.y)) / 2;
}

/** zxing-cpp's own defaults (try harder, rotations, inverted, downscaled), QR codes only. */
export const ZXING_CPP_DEFAULTS: ReaderOptions = { formats: ['QRCode'], textMode: 'Plain' };

/**
 * One zxing-cpp read. When several codes are in view the largest wins: the one held up to
 * the camera fills more of the frame than a poster behind it (or a code drawn inside it).
 */
export async function readWithZxingCpp(image: RgbaImage, options: ReaderOptions = {}): Promise<string | null> {
  await loadZxingCpp();
  const found = await readBarcodes(asImageData(image), { ...ZXING_CPP_DEFAULTS, ...options });
  let best: ReadResult | undefined;
  for (const r of found) if (r.isValid && (best === undefined || areaOf(r) > areaOf(best))) best = r;
  return best?.text ?? null;
}

export interface ZxingJsPass {
  binarizer: 'hybrid' | 'global-histogram';
  inverted?: boolean;
}

const zxingJsHints = new Map<DecodeHintType, unknown>([[DecodeHintType.TRY_HARDER, true]]);
const zxingJsReader = new QRCodeReader();

/** One @zxing/library read (QRCodeReader, try-harder) from luminance. */
export function readWithZxingJs(width: number, height: number, luminance: Uint8ClampedArray, pass: ZxingJsPass): string | null {
  const plain = new RGBLuminanceSource(luminance, width, height);
  const source = pass.inverted ? plain.invert() : plain;
  const binarizer = pass.binarizer === 'hybrid' ? new HybridBinarizer(source) : new GlobalHistogramBinarizer(source);
  try {
    return zxingJsReader.decode(new BinaryBitmap(binarizer), zxingJsHints).getText();
  } catch (err) {
    // NotFound/Checksum/Format and the library's other exceptions all mean "no code read here".
    if (err instanceof ZxingJsException) return null;
    throw err;
  } finally {
    zxingJsReader.reset();
  }
}

/** One step of the ladder: its name (reported as `engine`) and how it reads. */
export interface QrPass {
  readonly name: string;
  read(image: RgbaImage, luminance: () => Uint8ClampedArray): Promise<string | null> | string | null;
}

const jsPass = (name: string, pass: ZxingJsPass): QrPass => ({
  name,
  read: (image, luminance) => readWithZxingJs(image.width, image.height, luminance(), pass),
});

/**
 * The kiosk's ladder. zxing-cpp reads most codes fastest, so it goes first and alone decides
 * every frame it can read; the later passes run only on a miss, cheapest first, each looking
 * at the image differently (another engine, another binarizer, denoising). Measured on
 * ../shared/corpus/qr by bench/qr-decode.bench.ts.
 */
export const KIOSK_QR_PASSES: readonly QrPass[] = [
  { name: 'zxing-cpp', read: (image) => readWithZxingCpp(image, { maxNumberOfSymbols: 4 }) },
  jsPass('zxing-js/global-histogram', { binarizer: 'global-histogram' }),
  {
    name: 'zxing-cpp/global-histogram+denoise',
    read: (image) => readWithZxingCpp(image, { maxNumberOfSymbols: 4, binarizer: 'GlobalHistogram', tryDenoise: true }),
  },
  jsPass('zxing-js/hybrid', { binarizer: 'hybrid' }),
  jsPass('zxing-js/hybrid-inverted', { binarizer: 'hybrid', inverted: true }),
];

export interface QrRead {
  /** The code's text, or null when no pass found a code. */
  readonly text: string | null;
  /** The pass that read it. */
  readonly engine?: string;
}

/** Runs `passes` in order and stops at the first that reads a code. */
export async function readQr(image: RgbaImage, passes: readonly QrPass[] = KIOSK_QR_PASSES): Promise<QrRead> {
  let luminance: Uint8ClampedArray | undefined;
  const lazyLuminance = () => (luminance ??= luminanceOf(image));
  for (const pass of passes) {
    const text = await pass.read(image, lazyLuminance);
    if (text !== null) return { text, engine: pass.name };
  }
  return { text: null };
}
