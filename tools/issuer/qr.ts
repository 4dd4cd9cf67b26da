// QR images of codes for the demo, printed slips and the camera tests: PNG, error correction M.
import { writeFile } from 'node:fs/promises';
import QRCode from 'qrcode';
import type { QRCodeSegment } from 'qrcode';

export interface QrImageOptions {
  /** Also write the PNG here. */
  readonly file?: string;
  /**
   * Default 'byte'. Base45 text (and the `EID1:` prefix) is all in QR's alphanumeric set, which
   * packs 5.5 bits a character instead of 8 — a smaller symbol for the same code.
   */
  readonly mode?: 'byte' | 'alphanumeric';
  /** Pixels per module. Default 4. */
  readonly scale?: number;
  /** Quiet zone in modules. Default 4 (ISO/IEC 18004). */
  readonly margin?: number;
}

export function qrSegments(text: string, mode: QrImageOptions['mode'] = 'byte'): QRCodeSegment[] {
  return mode === 'alphanumeric' ? [{ mode, data: text }] : [{ mode: 'byte', data: Buffer.from(text, 'utf8') }];
}

/** Renders `text` as a QR code PNG and returns its bytes. */
export async function renderQrPng(text: string, options: QrImageOptions = {}): Promise<Buffer> {
  const png = await QRCode.toBuffer(qrSegments(text, options.mode), {
    type: 'png',
    errorCorrectionLevel: 'M',
    scale: options.scale ?? 4,
    margin: options.margin ?? 4,
  });
  if (options.file) await writeFile(options.file, png);
  return png;
}
