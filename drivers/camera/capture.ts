// The camera driver: the Camera interface the kiosk sees, and FswebcamCamera, the real one,
// which runs fswebcam with an argument array (never a shell) for one frame at a time.
import { execFile, type ExecFileException } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { constants } from 'node:fs';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { imageSizeOf, type ImageFormat } from './image.js';

export type CameraHealth = { state: 'ready' } | { state: 'absent'; why: string } | { state: 'faulty'; why: string };

/** One frame. `bytes` is the whole image file; no copy of it is left on disk. */
export interface CapturedImage {
  readonly bytes: Uint8Array;
  readonly format: ImageFormat;
  /** What the camera really delivered, read from the image (a camera may ignore the asked size). */
  readonly width: number;
  readonly height: number;
}

export interface CameraEvents {
  health: [CameraHealth];
}

/**
 * What the kiosk knows of a camera, real or fake. Captures run one at a time: a capture()
 * or takePhoto() made while another is running waits for it, then takes its own fresh frame
 * (a photo must show the moment it was asked for, not an earlier one). `health` fires only
 * when the state (or its reason) changes. Frames and photos are personal data: never log them.
 */
export interface Camera extends EventEmitter<CameraEvents> {
  readonly health: CameraHealth;
  /** Looks at the device (and the capture program) without taking a frame. */
  check(): Promise<CameraHealth>;
  /** Takes one frame (for QR decoding). Rejects with CameraError. */
  capture(): Promise<CapturedImage>;
  /** Takes the visitor's photo through the same path: JPEG bytes. Rejects with CameraError. */
  takePhoto(): Promise<Uint8Array>;
}

/** Every code a CameraError can carry. Add codes, never rename them. */
export type CameraErrorCode = 'device_missing' | 'permission_denied' | 'fswebcam_missing' | 'capture_failed' | 'capture_timeout' | 'no_image';

const MEANINGS: Record<CameraErrorCode, string> = {
  device_missing: 'The camera device does not exist: check the USB cable or ribbon, then `ls /dev/video*` and `v4l2-ctl --list-devices`.',
  permission_denied: "The kiosk may not open the camera device: add its user to the 'video' group (see the udev rules).",
  fswebcam_missing: 'fswebcam is not installed: `sudo apt install fswebcam`.',
  capture_failed: 'fswebcam could not take a frame.',
  capture_timeout: 'fswebcam did not finish in time and was stopped: the camera may be hung; replug it.',
  no_image: 'fswebcam finished but left no usable image.',
};

/** How a CameraError shows in health: a missing device is absent, anything else is faulty. */
const STATE_OF: Record<CameraErrorCode, 'absent' | 'faulty'> = {
  device_missing: 'absent',
  permission_denied: 'faulty',
  fswebcam_missing: 'faulty',
  capture_failed: 'faulty',
  capture_timeout: 'faulty',
  no_image: 'faulty',
};

/** Base of every camera failure: a stable code and a plain-language fix. No image content. */
export class CameraError extends Error {
  override readonly name = 'CameraError';
  readonly code: CameraErrorCode;
  readonly meaning: string;

  constructor(code: CameraErrorCode, detail?: string, options?: { cause?: unknown }) {
    const meaning = MEANINGS[code];
    super(detail ? `${meaning} (${detail})` : meaning, options);
    this.code = code;
    this.meaning = meaning;
  }

  get health(): CameraHealth {
    return { state: STATE_OF[this.code], why: this.message };
  }
}

/** Runs capture jobs strictly one after another, in call order: a V4L2 device serves one reader. */
export class CaptureQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  /** True while a job runs or waits. */
  get busy(): boolean {
    return this.waiting > 0;
  }

  run<T>(job: () => Promise<T>): Promise<T> {
    this.waiting += 1;
    const turn = this.tail.then(job).finally(() => {
      this.waiting -= 1;
    });
    this.tail = turn.catch(() => {});
    return turn;
  }
}

export interface ProcessResult {
  /** Null when the process was ended by a signal. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** True when the runner stopped it at `timeoutMs`. */
  readonly timedOut: boolean;
  readonly stderr: string;
}

/**
 * Starts `file` with `args` as an argument vector, no shell in between, and reports how it
 * ended. Rejects only when the program could not be started at all (ENOENT when missing).
 */
export type ProcessRunner = (file: string, args: readonly string[], options: { timeoutMs: number }) => Promise<ProcessResult>;

export const runProcess: ProcessRunner = (file, args, { timeoutMs }) =>
  new Promise((resolve, reject) => {
    execFile(file, [...args], { timeout: timeoutMs, maxBuffer: 1 << 20, encoding: 'utf8' }, (err: ExecFileException | null, _stdout, stderr) => {
      if (!err) return resolve({ exitCode: 0, signal: null, timedOut: false, stderr });
      if (typeof err.code === 'string') return reject(err); // not started: ENOENT, EACCES, …
      resolve({ exitCode: typeof err.code === 'number' ? err.code : null, signal: err.signal ?? null, timedOut: err.killed === true, stderr });
    });
  });

export interface FswebcamCameraOptions {
  /** The video device: /dev/video0, or better a stable /dev/v4l/by-id/… link. */
  device: string;
  /** Frame size asked of the camera. Default 640 × 480. */
  width?: number;
  height?: number;
  /** Frames thrown away before the one kept, so auto-exposure and white balance settle. Default 5. */
  skipFrames?: number;
  /** JPEG quality 1–100. Default 90. */
  jpegQuality?: number;
  /** V4L2 controls set before capturing (fswebcam --set), e.g. { 'Focus, Auto': 1 }. */
  controls?: Readonly<Record<string, string | number>>;
  /** A capture taking longer is stopped. Default 10,000 ms. */
  timeoutMs?: number;
  /** The fswebcam program. Default "fswebcam" (found on PATH). */
  fswebcam?: string;
  /** Where frames are written for the moment it takes to read them back. Default the OS temp dir. */
  workDir?: string;
  /** Starts processes; tests pass a fake. Default runProcess (child_process.execFile). */
  runProcess?: ProcessRunner;
}

const KNOWN_OPTIONS = new Set(['device', 'width', 'height', 'skipFrames', 'jpegQuality', 'controls', 'timeoutMs', 'fswebcam', 'workDir', 'runProcess']);

/**
 * fswebcam's arguments for one JPEG frame saved to `file`. Every value is its own `--name=value`
 * element, so a config value cannot become a second option or a shell command; `--save` comes
 * last because fswebcam applies the options before it.
 */
export function fswebcamArguments(options: Required<Pick<FswebcamCameraOptions, 'device' | 'width' | 'height' | 'skipFrames' | 'jpegQuality'>> & Pick<FswebcamCameraOptions, 'controls'>, file: string): string[] {
  const args = [`--device=${options.device}`, `--resolution=${options.width}x${options.height}`, `--skip=${options.skipFrames}`, '--no-banner'];
  for (const [name, value] of Object.entries(options.controls ?? {})) args.push(`--set=${name}=${value}`);
  args.push(`--jpeg=${options.jpegQuality}`, `--save=${file}`);
  return args;
}

const positiveInteger = (name: string, value: unknown, max = Number.MAX_SAFE_INTEGER): number => {
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > max) {
    throw new TypeError(`FswebcamCamera: option "${name}" must be a whole number from 1 to ${max} (got ${String(value)})`);
  }
  return value as number;
};

/**
 * The real camera, through fswebcam. node-webcam is not used: it builds a shell command line
 * from its options and runs it with child_process.exec, so a device path or control value
 * from config would reach a shell. This class starts fswebcam itself with an argument array.
 */
export class FswebcamCamera extends EventEmitter<CameraEvents> implements Camera {
  readonly device: string;
  private readonly args: Parameters<typeof fswebcamArguments>[0];
  private readonly timeoutMs: number;
  private readonly program: string;
  private readonly workDir: string;
  private readonly run: ProcessRunner;
  private readonly queue = new CaptureQueue();
  private current: CameraHealth = { state: 'absent', why: 'not checked yet' };

  constructor(options: FswebcamCameraOptions) {
    super();
    for (const key of Object.keys(options)) {
      if (!KNOWN_OPTIONS.has(key)) throw new TypeError(`FswebcamCamera: unknown option "${key}" (known: ${[...KNOWN_OPTIONS].join(', ')})`);
    }
    const { device, width = 640, height = 480, skipFrames = 5, jpegQuality = 90, controls = {}, timeoutMs = 10_000 } = options;
    const { fswebcam = 'fswebcam', workDir = tmpdir(), runProcess: run = runProcess } = options;
    if (typeof device !== 'string' || !isAbsolute(device) || device.includes('\0')) {
      throw new TypeError('FswebcamCamera: option "device" must be the absolute path of the video device, e.g. /dev/video0');
    }
    if (!Number.isInteger(skipFrames) || skipFrames < 0 || skipFrames > 1000) {
      throw new TypeError(`FswebcamCamera: option "skipFrames" must be a whole number from 0 to 1000 (got ${String(skipFrames)})`);
    }
    if (typeof controls !== 'object' || controls === null) throw new TypeError('FswebcamCamera: option "controls" must be an object of control names and values');
    for (const [name, value] of Object.entries(controls)) {
      if (name === '' || name.includes('=') || name.includes('\0')) throw new TypeError(`FswebcamCamera: control name "${name}" must be non-empty and contain no "=" or NUL`);
      if (!['string', 'number'].includes(typeof value) || String(value).includes('\0')) throw new TypeError(`FswebcamCamera: control "${name}" must have a string or number value without NUL`);
    }
    if (typeof fswebcam !== 'string' || fswebcam === '') throw new TypeError('FswebcamCamera: option "fswebcam" must name the program');
    if (typeof workDir !== 'string' || workDir === '') throw new TypeError('FswebcamCamera: option "workDir" must be a directory path');
    if (typeof run !== 'function') throw new TypeError('FswebcamCamera: option "runProcess" must be a function');
    this.device = device;
    this.args = {
      device,
      width: positiveInteger('width', width, 10_000),
      height: positiveInteger('height', height, 10_000),
      skipFrames,
      jpegQuality: positiveInteger('jpegQuality', jpegQuality, 100),
      controls: { ...controls },
    };
    this.timeoutMs = positiveInteger('timeoutMs', timeoutMs);
    this.program = fswebcam;
    this.workDir = workDir;
    this.run = run;
  }

  get health(): CameraHealth {
    return this.current;
  }

  check(): Promise<CameraHealth> {
    return this.queue.run(async () => {
      try {
        await this.checkDevice();
        await this.start(['--version'], Math.min(this.timeoutMs, 5000));
        this.report({ state: 'ready' });
      } catch (err) {
        if (!(err instanceof CameraError)) throw err;
        this.report(err.health);
      }
      return this.current;
    });
  }

  capture(): Promise<CapturedImage> {
    return this.queue.run(async () => {
      try {
        const image = await this.captureNow();
        this.report({ state: 'ready' });
        return image;
      } catch (err) {
        if (err instanceof CameraError) this.report(err.health);
        throw err;
      }
    });
  }

  async takePhoto(): Promise<Uint8Array> {
    return (await this.capture()).bytes;
  }

  private async captureNow(): Promise<CapturedImage> {
    await this.checkDevice();
    let dir: string;
    try {
      dir = await mkdtemp(join(this.workDir, 'verikiosk-camera-'));
    } catch (err) {
      throw new CameraError('capture_failed', `cannot write frames under ${this.workDir}: ${(err as Error).message}`, { cause: err });
    }
    try {
      const file = join(dir, 'frame.jpg');
      const result = await this.start(fswebcamArguments(this.args, file), this.timeoutMs);
      if (result.timedOut) throw new CameraError('capture_timeout', `after ${this.timeoutMs} ms`);
      const said = lastWords(result.stderr);
      if (result.exitCode !== 0) {
        if (/no such (file|device)/i.test(result.stderr)) throw new CameraError('device_missing', said || this.device);
        const how = result.exitCode === null ? `ended by ${result.signal ?? 'a signal'}` : `exit status ${result.exitCode}`;
        throw new CameraError('capture_failed', said ? `${how}: ${said}` : how);
      }
      // fswebcam can exit 0 having saved nothing (no frames captured, device gone mid-way).
      let bytes: Uint8Array;
      try {
        bytes = await readFile(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        throw new CameraError('no_image', said ? `no file written; fswebcam said: ${said}` : 'no file written');
      }
      if (bytes.length === 0) throw new CameraError('no_image', said ? `empty file; fswebcam said: ${said}` : 'empty file');
      const size = imageSizeOf(bytes);
      if (size === null || size.format !== 'jpeg') throw new CameraError('no_image', 'the file is not a readable JPEG');
      return { bytes, format: 'jpeg', width: size.width, height: size.height };
    } finally {
      await rm(dir, { recursive: true, force: true }); // a visitor's photo never lingers on disk
    }
  }

  private async checkDevice(): Promise<void> {
    try {
      await access(this.device, constants.R_OK | constants.W_OK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') throw new CameraError('permission_denied', this.device, { cause: err });
      throw new CameraError('device_missing', this.device, { cause: err });
    }
  }

  private async start(args: readonly string[], timeoutMs: number): Promise<ProcessResult> {
    try {
      return await this.run(this.program, args, { timeoutMs });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new CameraError('fswebcam_missing', `"${this.program}" not found`, { cause: err });
      throw new CameraError('capture_failed', `could not start "${this.program}": ${(err as Error).message}`, { cause: err });
    }
  }

  private report(next: CameraHealth): void {
    const prev = this.current;
    if (prev.state === next.state && ('why' in prev ? prev.why : '') === ('why' in next ? next.why : '')) return;
    this.current = next;
    this.emit('health', next);
  }
}

/** The line of fswebcam's chatter that says what went wrong, kept short for a health reason. */
function lastWords(stderr: string): string {
  const lines = stderr.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  const line = lines.findLast((l) => /error|unable|no such|cannot|can't|fail/i.test(l)) ?? lines.at(-1) ?? '';
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
