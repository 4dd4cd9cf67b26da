// The SAM reader's wire frames (spec/sam-reader.md "Frames", "Commands"): encoding of request
// and response frames, the XOR checksum and the command table. No I/O.

/** Every frame starts with these five bytes; a receiver re-synchronises on them. */
export const PREAMBLE: Uint8Array = Uint8Array.of(0xaa, 0xaa, 0xaa, 0x96, 0x69);
/** Preamble (5) + LEN (2): LEN counts every byte after itself, CHK included. */
export const HEADER_BYTES = 7;
/** The largest value the 16-bit LEN field can hold. */
export const MAX_LEN = 0xffff;

export interface SamCommand {
  readonly cmd: number;
  readonly para: number;
}

/** The command table of the spec. `setBaudRate` takes its rate code as PARA (see BAUD_CODES). */
export const COMMANDS = {
  resetSam: { cmd: 0x10, para: 0xff },
  samStatus: { cmd: 0x11, para: 0xff },
  readSamId: { cmd: 0x12, para: 0xff },
  findCard: { cmd: 0x20, para: 0x01 },
  selectCard: { cmd: 0x20, para: 0x02 },
  readTextPhoto: { cmd: 0x30, para: 0x01 },
  readAppendedAddress: { cmd: 0x30, para: 0x03 },
  readTextPhotoFingerprint: { cmd: 0x30, para: 0x10 },
} as const satisfies Record<string, SamCommand>;

export type CommandName = keyof typeof COMMANDS;

/** PARA of command `60 PP` for each line rate. */
export const BAUD_CODES = { 115200: 0x00, 57600: 0x01, 38400: 0x02, 19200: 0x03, 9600: 0x04 } as const;
export const SET_BAUD_CMD = 0x60;

/** SW3 values that mean success: 90 (done) and 9F (find card succeeded). */
export const SW3_OK = 0x90;
export const SW3_FOUND = 0x9f;

export interface SamRequest {
  readonly cmd: number;
  readonly para: number;
  readonly data: Uint8Array;
}

export interface SamResponse {
  readonly sw1: number;
  readonly sw2: number;
  readonly sw3: number;
  readonly data: Uint8Array;
}

/** XOR of bytes[start] … bytes[end - 1]. */
export function xorChecksum(bytes: Uint8Array, start: number, end: number): number {
  let x = 0;
  for (let i = start; i < end; i++) x ^= bytes[i]!;
  return x;
}

/** Wraps a body (CMD PARA DATA or SW1 SW2 SW3 DATA) in preamble, LEN and CHK. */
export function encodeFrame(body: Uint8Array): Buffer {
  const len = body.length + 1;
  if (len > MAX_LEN) throw new RangeError(`frame body of ${body.length} bytes does not fit the 16-bit LEN field`);
  const out = Buffer.allocUnsafe(HEADER_BYTES + len);
  out.set(PREAMBLE, 0);
  out.writeUInt16BE(len, 5);
  out.set(body, HEADER_BYTES);
  out[out.length - 1] = xorChecksum(out, 5, out.length - 1);
  return out;
}

function byte(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new RangeError(`${name} must be a byte (0–255), got ${v}`);
  return v;
}

/** `AA AA AA 96 69 | LEN | CMD | PARA | DATA | CHK`. */
export function encodeRequest(command: SamCommand, data: Uint8Array = new Uint8Array(0)): Buffer {
  const body = new Uint8Array(2 + data.length);
  body[0] = byte('cmd', command.cmd);
  body[1] = byte('para', command.para);
  body.set(data, 2);
  return encodeFrame(body);
}

/** `AA AA AA 96 69 | LEN | SW1 SW2 SW3 | DATA | CHK` (what a reader, or the simulator, sends). */
export function encodeResponse(response: {
  sw1?: number;
  sw2?: number;
  sw3: number;
  data?: Uint8Array;
}): Buffer {
  const data = response.data ?? new Uint8Array(0);
  const body = new Uint8Array(3 + data.length);
  body[0] = byte('sw1', response.sw1 ?? 0);
  body[1] = byte('sw2', response.sw2 ?? 0);
  body[2] = byte('sw3', response.sw3);
  body.set(data, 3);
  return encodeFrame(body);
}

/** The data of a successful read-text-and-photo answer: two big-endian block lengths, then the blocks. */
export function encodeTextPhotoData(text: Uint8Array, photo: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + text.length + photo.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, text.length);
  view.setUint16(2, photo.length);
  out.set(text, 4);
  out.set(photo, 4 + text.length);
  return out;
}

/** The command's name in the table, for messages (never personal data). */
export function commandName(cmd: number, para: number): string {
  for (const [name, c] of Object.entries(COMMANDS)) if (c.cmd === cmd && c.para === para) return name;
  if (cmd === SET_BAUD_CMD) return 'setBaudRate';
  return `cmd ${cmd.toString(16).padStart(2, '0')} ${para.toString(16).padStart(2, '0')}`;
}
