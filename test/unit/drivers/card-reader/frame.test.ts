import { describe, expect, it } from 'vitest';
import {
  COMMANDS,
  encodeRequest,
  encodeResponse,
  encodeTextPhotoData,
  xorChecksum,
  commandName,
} from '../../../../drivers/card-reader/frame.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('request frames match the spec table byte for byte', () => {
  const table: [keyof typeof COMMANDS, string][] = [
    ['resetSam', 'AA AA AA 96 69 00 03 10 FF EC'],
    ['samStatus', 'AA AA AA 96 69 00 03 11 FF ED'],
    ['readSamId', 'AA AA AA 96 69 00 03 12 FF EE'],
    ['findCard', 'AA AA AA 96 69 00 03 20 01 22'],
    ['selectCard', 'AA AA AA 96 69 00 03 20 02 21'],
    ['readTextPhoto', 'AA AA AA 96 69 00 03 30 01 32'],
    ['readAppendedAddress', 'AA AA AA 96 69 00 03 30 03 30'],
    ['readTextPhotoFingerprint', 'AA AA AA 96 69 00 03 30 10 23'],
  ];
  for (const [name, frame] of table) {
    it(name, () => {
      expect(encodeRequest(COMMANDS[name]).toString('hex')).toBe(hex(frame).toString('hex'));
    });
  }

  it('carries DATA before the checksum (set baud rate 60 PP)', () => {
    const f = encodeRequest({ cmd: 0x60, para: 0x04 });
    expect([...f]).toEqual([0xaa, 0xaa, 0xaa, 0x96, 0x69, 0x00, 0x03, 0x60, 0x04, 0x00 ^ 0x03 ^ 0x60 ^ 0x04]);
    const withData = encodeRequest({ cmd: 0x12, para: 0x34 }, Uint8Array.of(0x56, 0x78));
    expect(withData.readUInt16BE(5)).toBe(5);
    expect(withData[withData.length - 1]).toBe(0x00 ^ 0x05 ^ 0x12 ^ 0x34 ^ 0x56 ^ 0x78);
  });

  it('rejects values that are not bytes', () => {
    expect(() => encodeRequest({ cmd: 0x100, para: 0 })).toThrow(/cmd must be a byte/);
    expect(() => encodeResponse({ sw3: -1 })).toThrow(/sw3 must be a byte/);
  });
});

describe('response frames match the spec examples', () => {
  it('status OK', () => {
    expect(encodeResponse({ sw3: 0x90 }).toString('hex')).toBe(hex('AA AA AA 96 69 00 04 00 00 90 94').toString('hex'));
  });

  it('find card: present and no card', () => {
    expect(encodeResponse({ sw3: 0x9f, data: new Uint8Array(4) }).toString('hex')).toBe(
      hex('AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97').toString('hex'),
    );
    expect(encodeResponse({ sw3: 0x80 }).toString('hex')).toBe(hex('AA AA AA 96 69 00 04 00 00 80 84').toString('hex'));
  });

  it('select card OK: LEN 0C, 8 data bytes, checksum over LEN…data', () => {
    const data = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
    const f = encodeResponse({ sw3: 0x90, data });
    expect(f.subarray(0, 10).toString('hex')).toBe(hex('AA AA AA 96 69 00 0C 00 00 90').toString('hex'));
    expect(f.length).toBe(7 + 0x0c);
    expect(f[f.length - 1]).toBe(0x0c ^ 0x90 ^ 1 ^ 2 ^ 3 ^ 4 ^ 5 ^ 6 ^ 7 ^ 8);
  });

  it('read text + photo: header 05 08 00 00 90 01 00 04 00 and 1,295 bytes in all', () => {
    const text = new Uint8Array(256).fill(0x20);
    const photo = new Uint8Array(1024).fill(0x11);
    const f = encodeResponse({ sw3: 0x90, data: encodeTextPhotoData(text, photo) });
    expect(f.length).toBe(1295);
    expect(f.subarray(0, 14).toString('hex')).toBe(hex('AA AA AA 96 69 05 08 00 00 90 01 00 04 00').toString('hex'));
    expect(f[f.length - 1]).toBe(xorChecksum(f, 5, f.length - 1));
  });
});

describe('xorChecksum and commandName', () => {
  it('XORs the given range only', () => {
    expect(xorChecksum(Uint8Array.of(0xff, 0x01, 0x02, 0xff), 1, 3)).toBe(0x03);
    expect(xorChecksum(new Uint8Array(0), 0, 0)).toBe(0);
  });

  it('names commands without personal data', () => {
    expect(commandName(0x20, 0x01)).toBe('findCard');
    expect(commandName(0x60, 0x00)).toBe('setBaudRate');
    expect(commandName(0x77, 0x01)).toBe('cmd 77 01');
  });
});
