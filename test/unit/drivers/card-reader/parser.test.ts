import { once } from 'node:events';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMMANDS, encodeRequest, encodeResponse, type SamResponse } from '../../../../drivers/card-reader/frame.js';
import { SamFrameParser, type SamFrameParserOptions } from '../../../../drivers/card-reader/parser.js';

async function parse(chunks: Uint8Array[], options?: SamFrameParserOptions) {
  const parser = new SamFrameParser(options);
  const out: unknown[] = [];
  parser.on('data', (f) => out.push(f));
  for (const c of chunks) parser.write(Buffer.from(c));
  parser.end();
  await once(parser, 'end');
  return { out, stats: parser.stats };
}

const plain = (r: SamResponse) => ({ sw1: r.sw1, sw2: r.sw2, sw3: r.sw3, data: [...r.data] });

function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.filter((c) => c > 0 && c < bytes.length))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  out.push(bytes.subarray(prev));
  return out;
}

const ok = encodeResponse({ sw3: 0x90 });
const found = encodeResponse({ sw3: 0x9f, data: new Uint8Array(4) });
const select = encodeResponse({ sw3: 0x90, data: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8) });

describe('SamFrameParser', () => {
  it('emits {sw1, sw2, sw3, data} for a whole frame', async () => {
    const { out, stats } = await parse([select]);
    expect(out.map((r) => plain(r as SamResponse))).toEqual([{ sw1: 0, sw2: 0, sw3: 0x90, data: [1, 2, 3, 4, 5, 6, 7, 8] }]);
    expect(stats).toEqual({ frames: 1, badChecksum: 0, badLength: 0, discardedBytes: 0 });
  });

  it('reassembles a frame split into single bytes', async () => {
    const { out } = await parse([...select].map((b) => Uint8Array.of(b)));
    expect(out).toHaveLength(1);
    expect((out[0] as SamResponse).sw3).toBe(0x90);
  });

  it('separates frames glued into one chunk', async () => {
    const { out } = await parse([Buffer.concat([ok, found, select])]);
    expect(out.map((r) => (r as SamResponse).sw3)).toEqual([0x90, 0x9f, 0x90]);
  });

  it('skips garbage before and between frames and counts it', async () => {
    const junk = Buffer.from([0x01, 0x96, 0x69, 0xaa, 0x00, 0xaa, 0xaa, 0x33]);
    const { out, stats } = await parse([Buffer.concat([junk, ok, junk, found])]);
    expect(out.map((r) => (r as SamResponse).sw3)).toEqual([0x90, 0x9f]);
    expect(stats.discardedBytes).toBe(2 * junk.length);
  });

  it('re-synchronises after a false preamble inside garbage (bad checksum)', async () => {
    const falseFrame = Buffer.from('aaaaaa9669000400009000', 'hex'); // CHK should be 94
    const { out, stats } = await parse([Buffer.concat([Buffer.from([0x42, 0x42]), falseFrame, ok])]);
    expect(out.map((r) => (r as SamResponse).sw3)).toEqual([0x90]);
    expect(stats.badChecksum).toBe(1);
  });

  it('finds a real frame that starts inside a false frame', async () => {
    // A false preamble whose LEN covers the start of the real frame: only its first byte is dropped.
    const falseStart = Buffer.from('aaaaaa9669000a', 'hex');
    const { out, stats } = await parse([Buffer.concat([falseStart, found])]);
    expect(out.map((r) => (r as SamResponse).sw3)).toEqual([0x9f]);
    expect(stats.badChecksum).toBe(1);
  });

  it('drops a frame with a bad checksum, counts it and keeps going', async () => {
    const bad = Buffer.from(found);
    bad[bad.length - 1]! ^= 0x01;
    const { out, stats } = await parse([bad, ok]);
    expect(out.map((r) => (r as SamResponse).sw3)).toEqual([0x90]);
    expect(stats.badChecksum).toBe(1);
    expect(stats.frames).toBe(1);
  });

  it('treats an absurd LEN as noise, bounded by maxFrameSize', async () => {
    const absurd = Buffer.from('aaaaaa9669ffff', 'hex');
    const { out, stats } = await parse([Buffer.concat([absurd, ok])]);
    expect(out).toHaveLength(1);
    expect(stats.badLength).toBe(1);

    const big = encodeResponse({ sw3: 0x90, data: new Uint8Array(200) });
    const small = await parse([Buffer.concat([big, ok])], { maxFrameSize: 100 });
    expect(small.out.map((r) => (r as SamResponse).data.length)).toEqual([0]);
    expect(small.stats.badLength).toBeGreaterThan(0);
  });

  it('treats a LEN too short for SW1 SW2 SW3 CHK as noise', async () => {
    const { out, stats } = await parse([Buffer.concat([Buffer.from('aaaaaa96690003', 'hex'), ok])]);
    expect(out).toHaveLength(1);
    expect(stats.badLength).toBe(1);
  });

  it('keeps a preamble inside a frame’s data as data', async () => {
    const data = Buffer.concat([Buffer.from('aaaaaa9669000400009094', 'hex'), Buffer.alloc(20, 7)]);
    const f = encodeResponse({ sw3: 0x90, data });
    const { out } = await parse([f.subarray(0, 20), f.subarray(20)]);
    expect(out).toHaveLength(1);
    expect(Buffer.from((out[0] as SamResponse).data).equals(data)).toBe(true);
  });

  it('waits on a plausible false preamble until reset(), then reads the next answer', async () => {
    const parser = new SamFrameParser();
    const out: SamResponse[] = [];
    parser.on('data', (f: SamResponse) => out.push(f));
    parser.write(Buffer.concat([Buffer.from('aaaaaa96690100', 'hex'), ok]));
    await new Promise((r) => setImmediate(r));
    expect(out).toHaveLength(0);
    expect(parser.pending).toBeGreaterThan(0);
    parser.reset();
    expect(parser.pending).toBe(0);
    parser.write(found);
    await new Promise((r) => setImmediate(r));
    expect(out.map((r) => r.sw3)).toEqual([0x9f]);
  });

  it('copies data out of the chunk (the port reuses its buffers)', async () => {
    const chunk = Buffer.from(select);
    const parser = new SamFrameParser();
    const out: SamResponse[] = [];
    parser.on('data', (f: SamResponse) => out.push(f));
    parser.write(chunk);
    await new Promise((r) => setImmediate(r));
    chunk.fill(0);
    expect([...out[0]!.data]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('parses request frames on the reader side', async () => {
    const { out } = await parse([Buffer.concat([encodeRequest(COMMANDS.findCard), encodeRequest({ cmd: 0x60, para: 4 }, Uint8Array.of(9))])], {
      direction: 'request',
    });
    expect(out.map((r) => ({ ...(r as object), data: [...(r as { data: Uint8Array }).data] }))).toEqual([
      { cmd: 0x20, para: 0x01, data: [] },
      { cmd: 0x60, para: 0x04, data: [9] },
    ]);
  });

  it('checks its options in the constructor', () => {
    expect(() => new SamFrameParser({ maxFrameSize: 5 })).toThrow(/maxFrameSize/);
    expect(() => new SamFrameParser({ maxFrameSize: 1.5 })).toThrow(/maxFrameSize/);
    expect(() => new SamFrameParser({ maxFrameSize: 70_000 })).toThrow(/maxFrameSize/);
    expect(() => new SamFrameParser({ direction: 'sideways' as 'request' })).toThrow(/direction/);
  });
});

describe('SamFrameParser properties', () => {
  const responseArb = fc.record({
    sw1: fc.integer({ min: 0, max: 255 }),
    sw2: fc.integer({ min: 0, max: 255 }),
    sw3: fc.integer({ min: 0, max: 255 }),
    data: fc.uint8Array({ maxLength: 300 }),
  });
  const cutsArb = fc.array(fc.integer({ min: 1, max: 4000 }), { maxLength: 40 });

  it('any chunking of a valid byte stream yields the same frames', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(responseArb, { minLength: 1, maxLength: 8 }), cutsArb, async (responses, cuts) => {
        const stream = Buffer.concat(responses.map((r) => encodeResponse(r)));
        const { out, stats } = await parse(splitAt(stream, cuts));
        expect(out.map((r) => plain(r as SamResponse))).toEqual(responses.map((r) => ({ ...r, data: [...r.data] })));
        expect(stats.badChecksum + stats.badLength + stats.discardedBytes).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('frames separated by preamble-free garbage all come through, whatever the chunking', async () => {
    const garbageArb = fc.uint8Array({ maxLength: 40 }).map((g) => g.map((b) => (b === 0xaa ? 0x55 : b)));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(garbageArb, responseArb), { minLength: 1, maxLength: 6 }), cutsArb, async (items, cuts) => {
        const stream = Buffer.concat(items.flatMap(([g, r]) => [g, encodeResponse(r)]));
        const { out } = await parse(splitAt(stream, cuts));
        expect(out.map((r) => plain(r as SamResponse))).toEqual(items.map(([, r]) => ({ ...r, data: [...r.data] })));
      }),
      { numRuns: 200 },
    );
  });

  it('on any bytes at all (false preambles, bad LEN, bad CHK) the result does not depend on chunking and nothing throws', async () => {
    const piece = fc.oneof(
      fc.uint8Array({ maxLength: 30 }),
      fc.constant(Uint8Array.from([0xaa, 0xaa, 0xaa, 0x96, 0x69])),
      responseArb.map((r) => encodeResponse(r)),
      responseArb.map((r) => {
        const f = encodeResponse(r);
        f[f.length - 1]! ^= 0x5a;
        return f;
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 10 }), cutsArb, async (pieces, cuts) => {
        const stream = Buffer.concat(pieces);
        const whole = await parse([stream]);
        const chunked = await parse(splitAt(stream, cuts));
        expect(chunked.out.map((r) => plain(r as SamResponse))).toEqual(whole.out.map((r) => plain(r as SamResponse)));
        expect(chunked.stats).toEqual(whole.stats);
      }),
      { numRuns: 300 },
    );
  });
});
