// One command at a time over a serial port: send a request frame, wait for the matching answer,
// resend after a timeout or a host-frame error, and report a lost port. No card logic here.
import { COMMANDS, commandName, encodeRequest, SW3_FOUND, SW3_OK, type SamCommand, type SamResponse } from './frame.js';
import { CardReaderError } from './errors.js';
import { SamFrameParser } from './parser.js';
import { PHOTO_BLOCK_BYTES, TEXT_BLOCK_BYTES } from './text.js';

/** The part of a `serialport` SerialPort (or SerialPortMock) the driver uses. */
export interface SerialPortLike {
  readonly isOpen: boolean;
  open(callback: (err: Error | null) => void): void;
  close(callback?: (err: Error | null) => void): void;
  write(data: Buffer, callback?: (err: Error | null | undefined) => void): boolean;
  on(event: 'data', listener: (chunk: Buffer) => void): this;
  on(event: 'close', listener: (err?: Error | null) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  removeAllListeners(event?: string): this;
}

/** Makes a port that is not open yet (the driver calls `open`): `autoOpen: false`. */
export type OpenSerialPort = (options: { path: string; baudRate: number }) => SerialPortLike;

export interface ExchangeOptions {
  timeoutMs: number;
  /** Extra tries after a timeout or an SW3 of 10/11 (the reader got a damaged frame). */
  resends: number;
}

const same = (a: SamCommand, b: SamCommand) => a.cmd === b.cmd && a.para === b.para;

/** The data length a successful (SW3 90) answer must have, where the spec fixes it. */
function expectedDataLength(command: SamCommand): number | undefined {
  if (same(command, COMMANDS.selectCard)) return 8;
  if (same(command, COMMANDS.readSamId)) return 16;
  if (same(command, COMMANDS.readTextPhoto)) return 4 + TEXT_BLOCK_BYTES + PHOTO_BLOCK_BYTES;
  if (same(command, COMMANDS.samStatus) || same(command, COMMANDS.resetSam)) return 0;
  return undefined;
}

/**
 * Whether an answer can belong to `command`. The protocol has no sequence numbers, so an answer
 * of the wrong shape (a duplicate after a resend, glued behind the real one) is skipped as
 * stale: find answers 9F or an error, never 90; only find answers 9F; a 90 must have the data
 * length the spec gives. Error statuses carry no shape and are always taken.
 */
function fits(command: SamCommand, r: SamResponse): boolean {
  if (same(command, COMMANDS.findCard)) return r.sw3 !== SW3_OK;
  if (r.sw3 === SW3_FOUND) return false;
  if (r.sw3 !== SW3_OK) return true;
  const want = expectedDataLength(command);
  return want === undefined || r.data.length === want;
}

interface Pending {
  command: SamCommand;
  settle: (r: SamResponse | undefined | CardReaderError) => void;
}

export interface SamLinkStats {
  exchanges: number;
  resends: number;
  /** Frames that came when nothing was asked, or did not fit the question. */
  stale: number;
  /** Bytes of partial frames purged before a command was sent. */
  purgedBytes: number;
}

export class SamLink {
  readonly parser: SamFrameParser;
  readonly stats: SamLinkStats = { exchanges: 0, resends: 0, stale: 0, purgedBytes: 0 };
  private pending: Pending | undefined;
  private lost: CardReaderError | undefined;
  private closeListeners: ((err: CardReaderError) => void)[] = [];

  constructor(
    private readonly port: SerialPortLike,
    options: { maxFrameSize?: number } = {},
  ) {
    this.parser = new SamFrameParser({ direction: 'response', maxFrameSize: options.maxFrameSize });
    this.parser.on('data', (r: SamResponse) => this.onResponse(r));
    port.on('data', (chunk) => this.parser.write(chunk));
    port.on('close', (err) => this.markLost(new CardReaderError(err ? 'disconnected' : 'stopped', undefined, { cause: err })));
    // A port error outside an operation (e.g. EIO when the device vanishes) means the port is gone.
    port.on('error', (err) => this.markLost(new CardReaderError('disconnected', err.message, { cause: err })));
  }

  get isLost(): boolean {
    return this.lost !== undefined;
  }

  /** Called once when the port closes or fails, with why. */
  onLost(listener: (err: CardReaderError) => void): void {
    this.closeListeners.push(listener);
  }

  /**
   * Sends `command` and resolves with the reader's answer, whatever its SW3 (the caller maps
   * statuses). Rejects with CardReaderError `timeout` after the last resend, or with the
   * reason the port was lost.
   */
  async exchange(command: SamCommand, options: ExchangeOptions, data?: Uint8Array): Promise<SamResponse> {
    if (this.pending) throw new Error('SamLink.exchange: one command at a time (a previous exchange is still waiting)');
    const frame = encodeRequest(command, data);
    this.stats.exchanges++;
    for (let attempt = 0; attempt <= options.resends; attempt++) {
      if (attempt > 0) this.stats.resends++;
      const answer = await this.once(command, frame, options.timeoutMs);
      if (answer === undefined) continue; // the next try purges any partial frame first
      if ((answer.sw3 === 0x10 || answer.sw3 === 0x11) && attempt < options.resends) continue;
      return answer;
    }
    throw new CardReaderError('timeout', `${commandName(command.cmd, command.para)} unanswered after ${options.resends + 1} tries`);
  }

  async close(): Promise<void> {
    this.markLost(new CardReaderError('stopped'));
    if (!this.port.isOpen) return;
    await new Promise<void>((resolve) => this.port.close(() => resolve()));
  }

  private once(command: SamCommand, frame: Buffer, timeoutMs: number): Promise<SamResponse | undefined> {
    return new Promise<SamResponse | undefined>((resolve, reject) => {
      if (this.lost) {
        reject(this.lost);
        return;
      }
      // Purge what came before the question, as the vendors' drivers purge the receive queue:
      // the tail of a stale answer (a duplicate after a resend) then lacks its preamble and
      // cannot pass for the answer to this command.
      this.stats.purgedBytes += this.parser.pending;
      this.parser.reset();
      const timer = setTimeout(() => settle(undefined), timeoutMs);
      const settle = (r: SamResponse | undefined | CardReaderError) => {
        clearTimeout(timer);
        this.pending = undefined;
        if (r instanceof CardReaderError) reject(r);
        else resolve(r);
      };
      this.pending = { command, settle };
      this.port.write(frame, (err) => {
        if (err) settle(new CardReaderError('disconnected', `write failed: ${err.message}`, { cause: err }));
      });
    });
  }

  private onResponse(r: SamResponse): void {
    const p = this.pending;
    if (!p || !fits(p.command, r)) {
      this.stats.stale++;
      return;
    }
    p.settle(r);
  }

  private markLost(err: CardReaderError): void {
    if (this.lost) return;
    this.lost = err;
    const p = this.pending;
    if (p) p.settle(err);
    for (const l of this.closeListeners) l(err);
  }
}
