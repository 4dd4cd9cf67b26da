// QrCodeParser: framing per terminator, prefix/suffix, chunking, the 4,296-character bound, UTF-8
// split across reads, and the inter-byte-timeout mode.
import { finished } from 'node:stream/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { MAX_CODE_LENGTH, QrCodeParser, type QrFraming, type ScannerMessage } from '../../../../drivers/qr-scanner/parser.js';

function listen(parser: QrCodeParser): ScannerMessage[] {
  const out: ScannerMessage[] = [];
  parser.on('data', (m: ScannerMessage) => out.push(m));
  return out;
}

/** Feeds chunks in order, ends the stream, and returns everything the parser emitted. */
async function parse(chunks: Array<string | Buffer>, options: QrFraming = {}): Promise<ScannerMessage[]> {
  const parser = new QrCodeParser(options);
  const out = listen(parser);
  for (const chunk of chunks) parser.write(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
  parser.end();
  await finished(parser);
  return out;
}

const code = (text: string): ScannerMessage => ({ type: 'code', text });
const tooLong = (dropped: number): ScannerMessage => ({ type: 'too_long', dropped });

/** Cuts `bytes` at the given offsets (any order, duplicates allowed). */
function cut(bytes: Buffer, at: number[]): Buffer[] {
  const points = [...new Set(at.map((n) => n % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    chunks.push(bytes.subarray(from, p));
    from = p;
  }
  return chunks.filter((c) => c.length > 0);
}

describe('QrCodeParser with a terminator', () => {
  it.each([
    ['cr', '\r'],
    ['lf', '\n'],
    ['crlf', '\r\n'],
  ] as const)('%s: frames codes glued in one read and split over several', async (terminator, end) => {
    expect(await parse([`EID1:AAA${end}HC1:BBB${end}`], { terminator })).toEqual([code('EID1:AAA'), code('HC1:BBB')]);
    expect(await parse(['EI', 'D1:A', `AA${end}HC`, `1:BBB${end}`], { terminator })).toEqual([code('EID1:AAA'), code('HC1:BBB')]);
  });

  it('defaults to CR and tolerates firmware that sends CRLF anyway (stray leading LF)', async () => {
    expect(await parse(['EID1:AAA\r\nHC1:BBB\r', '\n'])).toEqual([code('EID1:AAA'), code('HC1:BBB')]);
    expect(await parse(['EID1:AAA\r', '\nHC1:BBB\r\n'], { terminator: 'cr' })).toEqual([code('EID1:AAA'), code('HC1:BBB')]);
  });

  it('lf: tolerates a stray CR before the LF', async () => {
    expect(await parse(['EID1:AAA\r\nHC1:BBB\n'], { terminator: 'lf' })).toEqual([code('EID1:AAA'), code('HC1:BBB')]);
  });

  it('crlf: a lone CR or LF inside the stream is not an end', async () => {
    expect(await parse(['A\rB\nC\r\n'], { terminator: 'crlf' })).toEqual([code('A\rB\nC')]);
  });

  it('skips blank lines and drops an unterminated tail at the end of the stream', async () => {
    expect(await parse(['\r\r\rEID1:AAA\r\r', 'HC1:half'])).toEqual([code('EID1:AAA')]);
  });

  it('strips the prefix and suffix the scanner adds', async () => {
    const framing = { terminator: 'crlf', prefix: ']Q1', suffix: '\u0003' } as const;
    expect(await parse([']Q1EID1:AAA\u0003\r\n]Q1HC1:BBB\u0003\r\n'], framing)).toEqual([code('EID1:AAA'), code('HC1:BBB')]);
    // A code the scanner sent without them (reconfigured mid-shift) is still the code.
    expect(await parse(['EID1:AAA\r\n'], framing)).toEqual([code('EID1:AAA')]);
  });

  it('keeps affix look-alikes inside the code', async () => {
    expect(await parse(['<<EID1:<<A>>>>\r'], { prefix: '<<', suffix: '>>' })).toEqual([code('EID1:<<A>>')]);
  });

  it('reassembles UTF-8 split across reads at every byte', async () => {
    const text = 'HC1:Grüße 日本 🎉 ok';
    const bytes = Buffer.from(`${text}\r`, 'utf8');
    for (let i = 1; i < bytes.length; i++) {
      expect(await parse([bytes.subarray(0, i), bytes.subarray(i)])).toEqual([code(text)]);
    }
    expect(await parse([...bytes].map((b) => Buffer.from([b])))).toEqual([code(text)]);
  });

  it('property: any chunking of any codes gives the same codes', async () => {
    const codeText = fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).filter((s) => !/[\r\n]/.test(s));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('cr', 'lf', 'crlf') ,
        fc.array(codeText, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        async (terminator, codes, cuts) => {
          const end = { cr: '\r', lf: '\n', crlf: '\r\n' }[terminator];
          const framing = { terminator, prefix: '\u0002', suffix: '#' };
          const bytes = Buffer.from(codes.map((c) => `\u0002${c}#${end}`).join(''), 'utf8');
          expect(await parse(cut(bytes, cuts), framing)).toEqual(codes.map(code));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('QrCodeParser length bound', () => {
  const longest = 'A'.repeat(MAX_CODE_LENGTH);

  it.each(['cr', 'lf', 'crlf'] as const)('%s: accepts 4,296 characters, drops 4,297 as too_long, reads the next code', async (terminator) => {
    const end = { cr: '\r', lf: '\n', crlf: '\r\n' }[terminator];
    const out = await parse([`${longest}${end}${longest}B${end}EID1:NEXT${end}`], { terminator });
    expect(out).toEqual([code(longest), tooLong(1), code('EID1:NEXT')]);
  });

  it('counts characters, not bytes: 4,296 three-byte characters pass', async () => {
    const wide = '日'.repeat(MAX_CODE_LENGTH);
    const bytes = Buffer.from(`${wide}\r${wide}日\rok\r`, 'utf8');
    expect(await parse(cut(bytes, [1000, 9001, 12888, 20000]))).toEqual([code(wide), tooLong(1), code('ok')]);
  });

  it('the bound applies to the code, not to the prefix and suffix around it', async () => {
    const out = await parse([`[[${longest}]]\r[[${longest}B]]\r`], { prefix: '[[', suffix: ']]' });
    expect(out).toEqual([code(longest), tooLong(1)]);
  });

  it('drops an endless line fed in small reads, and reads on after its terminator', async () => {
    const parser = new QrCodeParser({ terminator: 'crlf', maxLength: 100 });
    const out = listen(parser);
    const junk = Buffer.alloc(64, 0x41);
    for (let i = 0; i < 2000; i++) parser.write(junk); // 128 KiB, far past the bound
    // The CRLF of the long line is split across reads, its CR in the very read that overflows
    // the bound (maxLength 100 → 301 bytes) and is thrown away.
    parser.write(Buffer.from(`${'A'.repeat(400)}\r`));
    parser.write(Buffer.from('\nEID1:NEXT\r\n'));
    parser.end();
    await finished(parser);
    expect(out).toEqual([tooLong(1), code('EID1:NEXT')]);
    expect(parser.tooLongCount).toBe(1);
  });

  it('an overflow still pending when the stream ends is counted', async () => {
    expect(await parse(['x'.repeat(50)], { maxLength: 10 })).toEqual([tooLong(1)]);
  });
});

describe('QrCodeParser with terminator none (inter-byte timeout)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  async function feed(parser: QrCodeParser, chunk: string | Buffer, thenWaitMs: number): Promise<void> {
    parser.write(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
    await vi.advanceTimersByTimeAsync(thenWaitMs);
  }

  it('a pause shorter than the timeout keeps a code together; a longer one ends it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const parser = new QrCodeParser({ terminator: 'none', interByteTimeoutMs: 30, prefix: '\r', suffix: '\n' });
    const out = listen(parser);
    await feed(parser, '\rEID1:', 29);
    await feed(parser, 'AAA\n', 29);
    expect(out).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(out).toEqual([code('EID1:AAA')]);
    await feed(parser, '\rHC1:', 10);
    await feed(parser, 'BBB\n', 31);
    expect(out).toEqual([code('EID1:AAA'), code('HC1:BBB')]);
  });

  it('keeps UTF-8 split across reads whole', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const parser = new QrCodeParser({ terminator: 'none' });
    const out = listen(parser);
    const bytes = Buffer.from('Grüße 🎉', 'utf8');
    for (const b of bytes) await feed(parser, Buffer.from([b]), 5);
    await vi.advanceTimersByTimeAsync(100);
    expect(out).toEqual([code('Grüße 🎉')]);
  });

  it('accepts 4,296 characters, drops 4,297 as too_long, reads the next code', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const parser = new QrCodeParser({ terminator: 'none' });
    const out = listen(parser);
    const longest = 'A'.repeat(MAX_CODE_LENGTH);
    await feed(parser, longest, 100);
    await feed(parser, `${longest}B`, 100);
    // Far past the byte bound too, so the base parser's buffer fills and is thrown away.
    await feed(parser, 'C'.repeat(40_000), 100);
    await feed(parser, 'EID1:NEXT', 100);
    expect(out).toEqual([code(longest), tooLong(1), tooLong(2), code('EID1:NEXT')]);
  });

  it('an overlong code that exactly fills the buffer twice still ends at the pause', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    // maxLength 4 → at most 3·4 + 1 = 13 bytes buffered; 28 bytes fill a 14-byte buffer exactly twice.
    const parser = new QrCodeParser({ terminator: 'none', maxLength: 4 });
    const out = listen(parser);
    await feed(parser, 'x'.repeat(28), 100);
    await feed(parser, 'ok', 100);
    expect(out).toEqual([tooLong(1), code('ok')]);
  });

  it('with a short real timeout, codes end on their own', async () => {
    const parser = new QrCodeParser({ terminator: 'none', interByteTimeoutMs: 5 });
    const out = listen(parser);
    parser.write(Buffer.from('EID1:REAL'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(out).toEqual([code('EID1:REAL')]);
    parser.destroy();
  });
});

describe('QrCodeParser options', () => {
  it.each([
    [{ terminator: 'tab' }, /"terminator" must be one of cr, lf, crlf, none/],
    [{ prefix: 5 }, /"prefix" must be a string/],
    [{ suffix: '\r' }, /"suffix" may not contain CR or LF/],
    [{ prefix: '\n', terminator: 'crlf' }, /"prefix" may not contain CR or LF/],
    [{ interByteTimeoutMs: 0 }, /"interByteTimeoutMs"/],
    [{ interByteTimeoutMs: 2.5 }, /"interByteTimeoutMs"/],
    [{ maxLength: -1 }, /"maxLength"/],
    [{ terminater: 'cr' }, /unknown option "terminater"/],
  ])('rejects %j naming the option', (options, message) => {
    expect(() => new QrCodeParser(options as QrFraming)).toThrow(message);
  });

  it('allows CR and LF in affixes when no terminator is used', () => {
    expect(new QrCodeParser({ terminator: 'none', suffix: '\r\n' }).framing.suffix).toBe('\r\n');
  });
});
