// The simulator's pure parts: framing a code like a configured scanner, cutting it into chunks,
// and (property) that whatever the simulator sends, the driver's parser reads back the same codes.
import { finished } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { QrCodeParser, TERMINATORS, type ScannerMessage } from '../../../../drivers/qr-scanner/parser.js';
import { frameCode, splitIntoChunks } from '../../../../tools/sim/qr-scanner/simulator.js';
import { seededRandom } from '../../../../tools/random.js';

describe('frameCode', () => {
  it.each([
    ['cr', 'P:EID1:A\u00e9:S\r'],
    ['lf', 'P:EID1:A\u00e9:S\n'],
    ['crlf', 'P:EID1:A\u00e9:S\r\n'],
    ['none', 'P:EID1:A\u00e9:S'],
  ] as const)('%s', (terminator, expected) => {
    expect(frameCode('EID1:A\u00e9', { terminator, prefix: 'P:', suffix: ':S' })).toEqual(Buffer.from(expected, 'utf8'));
  });

  it('refuses framing the driver would refuse', () => {
    expect(() => frameCode('x', { terminator: 'cr', suffix: '\r' })).toThrow(/"suffix"/);
  });
});

describe('splitIntoChunks', () => {
  it('property: chunks are 1..maxBytes long and join back to the input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 1, max: 20 }), fc.integer(), (bytes, maxBytes, seed) => {
        const random = seededRandom(seed);
        const chunks = splitIntoChunks(Buffer.from(bytes), maxBytes, random);
        expect(Buffer.concat(chunks)).toEqual(Buffer.from(bytes));
        for (const c of chunks) expect(c.length >= 1 && c.length <= maxBytes).toBe(true);
      }),
    );
  });

  it('property: what the simulator sends in any chunks, the parser reads back', async () => {
    const codeText = fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }).filter((s) => !/[\r\n]/.test(s));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...TERMINATORS.filter((t) => t !== 'none')),
        fc.array(codeText, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer(),
        async (terminator, codes, maxBytes, seed) => {
          const framing = { terminator, prefix: ']Q1', suffix: '\u0003' };
          const bytes = Buffer.concat(codes.map((c) => frameCode(c, framing)));
          const parser = new QrCodeParser(framing);
          const out: ScannerMessage[] = [];
          parser.on('data', (m: ScannerMessage) => out.push(m));
          for (const chunk of splitIntoChunks(bytes, maxBytes, seededRandom(seed))) parser.write(chunk);
          parser.end();
          await finished(parser);
          expect(out).toEqual(codes.map((text) => ({ type: 'code', text })));
        },
      ),
      { numRuns: 200 },
    );
  });
});

