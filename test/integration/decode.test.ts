// QR decoding through the real worker thread on ../shared/corpus/qr and issuer-made codes, and
// the fixed contract of `verikiosk decode` run as other programs run it (the built command).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBarcodes } from 'zxing-wasm/reader';
import { QrDecoderError, QrImageDecoder } from '../../drivers/camera/decode.js';
import { ImageError, decodeImage } from '../../drivers/camera/image.js';
import { ZXING_CPP_DEFAULTS, loadZxingCpp } from '../../drivers/camera/qr-read.js';
import { SAMPLE_HOLDERS, generateIssuerKey, issueEid, renderQrPng } from '../../tools/issuer/index.js';

const CORPUS = '../shared/corpus/qr';
const BIN = 'bin/verikiosk.js';

/** Every N.png with an N.txt: the expected text, compared exactly (as ZXing's black-box tests do). */
const cases = readdirSync(CORPUS)
  .filter((d) => d.startsWith('qrcode-'))
  .flatMap((set) =>
    readdirSync(join(CORPUS, set))
      .filter((f) => /^\d+\.png$/.test(f) && existsSync(join(CORPUS, set, f.replace(/\.png$/, '.txt'))))
      .map((f) => ({ path: join(CORPUS, set, f), expected: readFileSync(join(CORPUS, set, f.replace(/\.png$/, '.txt')), 'utf8') })),
  )
  .sort((a, b) => a.path.localeCompare(b.path));
const corpusCase = (name: string) => cases.find((c) => c.path === join(CORPUS, `${name}.png`))!;

const eidText = issueEid(generateIssuerKey('ES256'), { iss: 'CN-BJ-PSB', iat: 1_750_000_000, holder: SAMPLE_HOLDERS.zhangSan }).text;

let decoder: QrImageDecoder;
let dir: string;

beforeAll(async () => {
  decoder = new QrImageDecoder();
  await decoder.ready();
  dir = mkdtempSync(join(tmpdir(), 'decode-test-'));
});

afterAll(async () => {
  await decoder.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('QrImageDecoder (worker thread)', () => {
  it('reads every corpus code zxing-cpp alone reads, and more', async () => {
    expect(cases.length).toBeGreaterThan(50);
    await loadZxingCpp();
    let ours = 0;
    let cppAlone = 0;
    for (const c of cases) {
      const r = await decoder.decode(c.path);
      expect(r.ms).toBeTypeOf('number');
      const image = decodeImage(readFileSync(c.path));
      const data = new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.byteLength);
      const alone = (await readBarcodes({ data, width: image.width, height: image.height, colorSpace: 'srgb' } as ImageData, ZXING_CPP_DEFAULTS))[0]?.text ?? null;
      if (alone === c.expected) {
        cppAlone += 1;
        expect(r.text, c.path).toBe(c.expected);
      }
      if (r.text === c.expected) ours += 1;
    }
    expect(ours).toBeGreaterThan(cppAlone);
  });

  it('decodes an EID1 code rendered by the issuer toolkit back to its text exactly, byte and alphanumeric mode', async () => {
    for (const mode of ['byte', 'alphanumeric'] as const) {
      const png = await renderQrPng(eidText, { mode });
      const r = await decoder.decode(png);
      expect(r.text, mode).toBe(eidText);
      expect(r.engine).toBe('zxing-cpp');
    }
  });

  it('decodes JPEG as well as PNG (a camera frame is a JPEG)', async () => {
    const image = decodeImage(await renderQrPng(eidText, { mode: 'alphanumeric', scale: 3 }));
    const jpg = jpeg.encode({ width: image.width, height: image.height, data: image.data }, 85).data;
    expect((await decoder.decode(jpg)).text).toBe(eidText);
  });

  it('answers overlapping calls in order, each with its own text', async () => {
    const some = ['qrcode-1/1', 'qrcode-1/14', 'qrcode-2/1', 'qrcode-2/16', 'qrcode-2/2', 'qrcode-2/28', 'qrcode-2/31', 'qrcode-2/5'].map(corpusCase);
    const buffers = some.map((c) => readFileSync(c.path));
    const results = await Promise.all(buffers.map((b) => decoder.decode(b)));
    results.forEach((r, i) => expect(r.text, some[i]!.path).toBe(some[i]!.expected));
    buffers.forEach((b, i) => expect(b.equals(readFileSync(some[i]!.path))).toBe(true)); // the caller's bytes stay usable
  });

  it('rejects unusable input with ImageError codes and keeps working afterwards', async () => {
    await expect(decoder.decode(join(dir, 'missing.png'))).rejects.toMatchObject({ name: 'ImageError', code: 'unreadable_file' });
    await expect(decoder.decode(new TextEncoder().encode('plain text'))).rejects.toBeInstanceOf(ImageError);
    await expect(decoder.decode(readFileSync(cases[0]!.path).subarray(0, 500))).rejects.toMatchObject({ code: 'corrupt_image' });
    expect((await decoder.decode(cases[0]!.path)).text).toBe(cases[0]!.expected);
  });

  it('gives text null (and no engine) for an image with no code', async () => {
    const grey = jpeg.encode({ width: 320, height: 240, data: new Uint8Array(320 * 240 * 4).fill(180) }, 90).data;
    const r = await decoder.decode(grey);
    expect(r.text).toBeNull();
    expect(r.engine).toBeUndefined();
  });

  it('replaces a worker that died: the next decode starts a fresh one', async () => {
    const own = new QrImageDecoder();
    await own.ready();
    // Kill the thread behind its back, as a crash in native code would.
    await (own as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect((await own.decode(corpusCase('qrcode-2/10').path)).text).toBe(corpusCase('qrcode-2/10').expected);
    await own.close();
  });

  it('after close(), queued and new decodes reject with decoder_closed', async () => {
    const own = new QrImageDecoder();
    const queued = [own.decode(cases[0]!.path), own.decode(cases[1]!.path), own.decode(cases[2]!.path)];
    await own.close();
    const settled = await Promise.allSettled(queued);
    for (const s of settled) {
      if (s.status === 'rejected') expect(s.reason).toMatchObject({ name: 'QrDecoderError', code: 'decoder_closed' });
    }
    expect(settled.some((s) => s.status === 'rejected')).toBe(true);
    await expect(own.decode(cases[0]!.path)).rejects.toBeInstanceOf(QrDecoderError);
  });
});

describe('verikiosk decode (the built command)', () => {
  interface Run {
    status: number | null;
    stdout: string;
    stderr: string;
  }
  const cli = (args: readonly string[]): Run => {
    const r = spawnSync(process.execPath, [BIN, 'decode', ...args], { encoding: 'utf8', timeout: 60_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const jsonLines = (run: Run) => run.stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);

  let eidPng: string;
  let blank: string;
  let notImage: string;

  beforeAll(async () => {
    if (!existsSync('dist/main/cli/decode.js')) throw new Error('the CLI is not built: run `npm run build` first (npm test does)');
    eidPng = join(dir, 'eid.png');
    await renderQrPng(eidText, { file: eidPng });
    blank = join(dir, 'blank.jpg');
    writeFileSync(blank, jpeg.encode({ width: 64, height: 64, data: new Uint8Array(64 * 64 * 4).fill(255) }, 90).data);
    notImage = join(dir, 'notes.txt');
    writeFileSync(notImage, 'not an image\n');
  });

  it('--json: one line per image in the order given, file as given, text exact, ms a number; exit 0', () => {
    const files = [corpusCase('qrcode-2/31'), corpusCase('qrcode-1/13'), { path: eidPng, expected: eidText }, corpusCase('qrcode-2/24')];
    const run = cli(['--json', ...files.map((f) => f.path)]);
    expect(run.status).toBe(0);
    const lines = jsonLines(run);
    expect(lines.map((l) => l.file)).toEqual(files.map((f) => f.path));
    expect(lines.map((l) => l.text)).toEqual(files.map((f) => f.expected));
    for (const l of lines) {
      expect(Object.keys(l)).toEqual(['file', 'text', 'ms']);
      expect(l.ms).toBeTypeOf('number');
      expect(l.ms as number).toBeGreaterThanOrEqual(0);
    }
  });

  it('exit 1 when an image has no code: its line has text null', () => {
    const run = cli(['--json', eidPng, blank]);
    expect(run.status).toBe(1);
    expect(jsonLines(run)).toMatchObject([
      { file: eidPng, text: eidText },
      { file: blank, text: null },
    ]);
  });

  it('exit 2 when a file is missing or not an image: it still gets its line, with an error code, and the rest are decoded', () => {
    const missing = join(dir, 'gone.png');
    const run = cli(['--json', missing, blank, notImage, eidPng]);
    expect(run.status).toBe(2);
    const lines = jsonLines(run);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatchObject({ file: missing, text: null, error: 'unreadable_file' });
    expect(lines[1]).toEqual({ file: blank, text: null, ms: expect.any(Number) });
    expect(lines[2]).toMatchObject({ file: notImage, text: null, error: 'not_an_image' });
    expect(lines[3]).toMatchObject({ file: eidPng, text: eidText });
    expect(run.stderr).toMatch(/gone\.png: .*no such file/);
    expect(run.stderr).toMatch(/notes\.txt: .*not a PNG or JPEG/);
  });

  it('without --json: one readable line per image, text JSON-quoted so a code with line breaks stays on one line', () => {
    const crlf = cases.find((c) => c.expected.includes('\r\n'))!;
    const run = cli([crlf.path, blank]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe(`${crlf.path}: ${JSON.stringify(crlf.expected)}\n${blank}: no code\n`);
  });

  it('exit 2 with nothing on stdout for unusable arguments; --help documents the contract', () => {
    for (const args of [[], ['--json'], ['--frobnicate', eidPng]]) {
      const run = cli(args);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    }
    const help = cli(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/"file".*"text".*"ms"/);
    expect(help.stdout).toMatch(/Exit 0 .* 1 .* 2/s);
  });
});
