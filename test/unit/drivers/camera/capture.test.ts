// FswebcamCamera against a fake process runner: the argument vector (config values verbatim,
// never a shell), one capture at a time, and each failure's code and health.
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CameraError,
  FswebcamCamera,
  fswebcamArguments,
  runProcess,
  type CameraHealth,
  type ProcessResult,
  type ProcessRunner,
} from '../../../../drivers/camera/capture.js';
import { imageFormatOf } from '../../../../drivers/camera/image.js';

let dir: string;
let device: string;
let workDir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'camera-test-'));
  device = join(dir, 'video0'); // stands in for /dev/video0: it exists and is readable/writable
  writeFileSync(device, '');
  workDir = mkdtempSync(join(dir, 'frames-'));
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A real JPEG of the given size, whose pixels are all `grey`. */
function jpegOf(width: number, height: number, grey = 128): Uint8Array {
  return jpeg.encode({ width, height, data: new Uint8Array(width * height * 4).fill(grey) }, 80).data;
}

const ok: ProcessResult = { exitCode: 0, signal: null, timedOut: false, stderr: '' };
const saveTarget = (args: readonly string[]) => args.find((a) => a.startsWith('--save='))!.slice('--save='.length);

/** Behaves like fswebcam that works: writes a JPEG where --save= says. */
function workingFswebcam(calls: { file: string; args: readonly string[] }[] = [], frame = () => jpegOf(64, 48)): ProcessRunner {
  return async (file, args) => {
    calls.push({ file, args });
    if (args.includes('--version')) return { ...ok, exitCode: 255, stderr: 'fswebcam 20140113\n' }; // as the real one does
    writeFileSync(saveTarget(args), frame());
    return ok;
  };
}

describe('fswebcamArguments', () => {
  it('builds one --name=value element per setting, --save last', () => {
    const args = fswebcamArguments(
      { device: '/dev/video0', width: 640, height: 480, skipFrames: 5, jpegQuality: 90, controls: { 'Focus, Auto': 0, Brightness: '60%' } },
      '/tmp/x/frame.jpg',
    );
    expect(args).toEqual([
      '--device=/dev/video0',
      '--resolution=640x480',
      '--skip=5',
      '--no-banner',
      '--set=Focus, Auto=0',
      '--set=Brightness=60%',
      '--jpeg=90',
      '--save=/tmp/x/frame.jpg',
    ]);
  });
});

describe('FswebcamCamera.capture', () => {
  it('runs fswebcam with an argument array and returns the frame, leaving nothing on disk', async () => {
    const calls: { file: string; args: readonly string[] }[] = [];
    const camera = new FswebcamCamera({ device, workDir, runProcess: workingFswebcam(calls, () => jpegOf(320, 240)) });
    const frame = await camera.capture();
    expect(calls).toHaveLength(1);
    expect(calls[0]!.file).toBe('fswebcam');
    expect(calls[0]!.args.slice(0, 4)).toEqual([`--device=${device}`, '--resolution=640x480', '--skip=5', '--no-banner']);
    // The size is what the camera delivered, not what was asked.
    expect(frame).toMatchObject({ format: 'jpeg', width: 320, height: 240 });
    expect(imageFormatOf(frame.bytes)).toBe('jpeg');
    expect(readdirSync(workDir)).toEqual([]);
    expect(camera.health).toEqual({ state: 'ready' });
  });

  it('passes a config value full of shell metacharacters verbatim, as one argument', async () => {
    const nasty = join(dir, 'video0; touch pwned $(reboot) `id` | cat > out & "q" \'s\' *');
    writeFileSync(nasty, '');
    const calls: { file: string; args: readonly string[] }[] = [];
    const camera = new FswebcamCamera({
      device: nasty,
      controls: { 'Exposure; rm -rf ~': '$(id)' },
      fswebcam: '/usr/bin/fswebcam',
      workDir,
      runProcess: workingFswebcam(calls),
    });
    await camera.capture();
    const args = calls[0]!.args;
    expect(args).toContain(`--device=${nasty}`);
    expect(args).toContain('--set=Exposure; rm -rf ~=$(id)');
    expect(args.filter((a) => a.includes('pwned'))).toHaveLength(1);
  });

  it('takes one frame at a time: a second call waits, then gets its own fresh frame', async () => {
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const release: (() => void)[] = [];
    let n = 0;
    const run: ProcessRunner = async (_file, args) => {
      const me = ++n;
      started.push(me);
      running += 1;
      most = Math.max(most, running);
      await new Promise<void>((resolve) => release.push(resolve));
      writeFileSync(saveTarget(args), jpegOf(16 * me, 16));
      running -= 1;
      return ok;
    };
    const camera = new FswebcamCamera({ device, workDir, runProcess: run });
    const first = camera.capture();
    const second = camera.takePhoto();
    await until(() => release.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(started).toEqual([1]); // the second has not started fswebcam
    release.shift()!();
    expect((await first).width).toBe(16);
    await until(() => release.length === 1);
    expect(started).toEqual([1, 2]);
    release.shift()!();
    const photo = await second;
    expect(imageFormatOf(photo)).toBe('jpeg');
    expect(jpeg.decode(photo).width).toBe(32); // the second frame, not a copy of the first
    expect(most).toBe(1);
  });

  it('reports a missing device as absent, says what to check, and never starts fswebcam', async () => {
    const calls: { file: string; args: readonly string[] }[] = [];
    const camera = new FswebcamCamera({ device: '/dev/video-not-here', workDir, runProcess: workingFswebcam(calls) });
    const health: CameraHealth[] = [];
    camera.on('health', (h) => health.push(h));
    const err = await camera.capture().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CameraError);
    expect((err as CameraError).code).toBe('device_missing');
    expect((err as CameraError).message).toMatch(/\/dev\/video-not-here/);
    expect((err as CameraError).message).toMatch(/ls \/dev\/video\*/);
    expect(calls).toEqual([]);
    expect(camera.health.state).toBe('absent');
    expect(health).toHaveLength(1);
  });

  it.skipIf(process.getuid?.() === 0)('reports a device it may not open as faulty: permission_denied', async () => {
    chmodSync(device, 0o000);
    const camera = new FswebcamCamera({ device, workDir, runProcess: workingFswebcam() });
    await expect(camera.capture()).rejects.toMatchObject({ code: 'permission_denied' });
    expect(camera.health.state).toBe('faulty');
  });

  it('reports fswebcam not installed as faulty with the install command', async () => {
    const missing: ProcessRunner = () => Promise.reject(Object.assign(new Error('spawn fswebcam ENOENT'), { code: 'ENOENT' }));
    const camera = new FswebcamCamera({ device, workDir, runProcess: missing });
    const err = (await camera.capture().catch((e: unknown) => e)) as CameraError;
    expect(err.code).toBe('fswebcam_missing');
    expect(err.message).toMatch(/apt install fswebcam/);
    expect(camera.health).toEqual({ state: 'faulty', why: err.message });
  });

  it('refuses a run that exits 0 but saved no file, an empty file or a non-JPEG', async () => {
    const cases: [string, (file: string) => void][] = [
      ['no file', () => {}],
      ['empty', (file) => writeFileSync(file, '')],
      ['not a JPEG', (file) => writeFileSync(file, 'GD error\n')],
    ];
    for (const [what, write] of cases) {
      const run: ProcessRunner = async (_f, args) => {
        write(saveTarget(args));
        return { ...ok, stderr: '--- Opening /dev/video0...\nNo frames captured.\n' };
      };
      const camera = new FswebcamCamera({ device, workDir, runProcess: run });
      const err = (await camera.capture().catch((e: unknown) => e)) as CameraError;
      expect(err, what).toBeInstanceOf(CameraError);
      expect(err.code, what).toBe('no_image');
      expect(camera.health.state, what).toBe('faulty');
      expect(readdirSync(workDir), what).toEqual([]);
    }
  });

  it('maps a failed run to capture_failed with fswebcam’s own reason, or device_missing', async () => {
    const failing = (stderr: string): ProcessRunner => async () => ({ exitCode: 255, signal: null, timedOut: false, stderr });
    const busy = new FswebcamCamera({
      device,
      workDir,
      runProcess: failing('--- Opening /dev/video0...\nTrying source module v4l2...\nError selecting input 0\nVIDIOC_S_INPUT: Device or resource busy\n'),
    });
    const err = (await busy.capture().catch((e: unknown) => e)) as CameraError;
    expect(err.code).toBe('capture_failed');
    expect(err.message).toMatch(/exit status 255: Error selecting input 0|Device or resource busy/);

    const gone = new FswebcamCamera({ device, workDir, runProcess: failing('stat: No such file or directory\n') });
    await expect(gone.capture()).rejects.toMatchObject({ code: 'device_missing' });
    expect(gone.health.state).toBe('absent');
  });

  it('maps a run stopped at the time limit to capture_timeout', async () => {
    let asked = 0;
    const hung: ProcessRunner = async (_f, _a, { timeoutMs }) => {
      asked = timeoutMs;
      return { exitCode: null, signal: 'SIGTERM', timedOut: true, stderr: '' };
    };
    const camera = new FswebcamCamera({ device, workDir, timeoutMs: 1234, runProcess: hung });
    await expect(camera.capture()).rejects.toMatchObject({ code: 'capture_timeout' });
    expect(asked).toBe(1234);
  });

  it('says which work folder it cannot write frames to', async () => {
    const camera = new FswebcamCamera({ device, workDir: join(dir, 'no-such-folder'), runProcess: workingFswebcam() });
    await expect(camera.capture()).rejects.toMatchObject({ code: 'capture_failed', message: expect.stringMatching(/no-such-folder/) });
  });

  it('recovers: health goes back to ready after a good capture', async () => {
    let fail = true;
    const run: ProcessRunner = async (_f, args) => {
      if (fail) return { exitCode: 1, signal: null, timedOut: false, stderr: 'Unable to find a compatible palette format.\n' };
      writeFileSync(saveTarget(args), jpegOf(8, 8));
      return ok;
    };
    const camera = new FswebcamCamera({ device, workDir, runProcess: run });
    await expect(camera.capture()).rejects.toMatchObject({ code: 'capture_failed' });
    expect(camera.health.state).toBe('faulty');
    fail = false;
    await camera.capture();
    expect(camera.health).toEqual({ state: 'ready' });
  });
});

describe('FswebcamCamera.check', () => {
  it('is ready when the device is there and fswebcam starts (its --version exits 255)', async () => {
    const calls: { file: string; args: readonly string[] }[] = [];
    const camera = new FswebcamCamera({ device, workDir, runProcess: workingFswebcam(calls) });
    expect(camera.health).toEqual({ state: 'absent', why: 'not checked yet' });
    expect(await camera.check()).toEqual({ state: 'ready' });
    expect(calls.map((c) => c.args)).toEqual([['--version']]);
  });

  it('is absent without the device, faulty without fswebcam', async () => {
    expect((await new FswebcamCamera({ device: join(dir, 'nope'), runProcess: workingFswebcam() }).check()).state).toBe('absent');
    const missing: ProcessRunner = () => Promise.reject(Object.assign(new Error('spawn ENOENT'), { code: 'ENOENT' }));
    const health = await new FswebcamCamera({ device, runProcess: missing }).check();
    expect(health.state).toBe('faulty');
    expect((health as { why: string }).why).toMatch(/fswebcam is not installed/);
  });
});

describe('FswebcamCamera options', () => {
  it('rejects bad options at construction, naming them', () => {
    expect(() => new FswebcamCamera({ device: 'video0' })).toThrow(/"device"/);
    expect(() => new FswebcamCamera({ device: '/dev/video0\0x' })).toThrow(/"device"/);
    expect(() => new FswebcamCamera({ device: '/dev/video0', width: 0 })).toThrow(/"width"/);
    expect(() => new FswebcamCamera({ device: '/dev/video0', jpegQuality: 101 })).toThrow(/"jpegQuality"/);
    expect(() => new FswebcamCamera({ device: '/dev/video0', skipFrames: -1 })).toThrow(/"skipFrames"/);
    expect(() => new FswebcamCamera({ device: '/dev/video0', controls: { 'a=b': 1 } })).toThrow(/control name/);
    expect(() => new FswebcamCamera({ device: '/dev/video0', shell: true } as never)).toThrow(/unknown option "shell"/);
  });
});

describe('runProcess (the real runner)', () => {
  it('hands every argument to the program verbatim, with no shell in between', async () => {
    const args = ['$(echo injected)', 'a; echo b', '`id`', '"quoted"', "it's", '*', '--x=y z'];
    const script = 'process.stderr.write(JSON.stringify(process.argv.slice(1)))';
    const r = await runProcess(process.execPath, ['-e', script, ...args], { timeoutMs: 10_000 });
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stderr)).toEqual(args);
  });

  it('reports the exit status, a timeout, and rejects with ENOENT for a missing program', async () => {
    expect((await runProcess(process.execPath, ['-e', 'process.exit(3)'], { timeoutMs: 10_000 })).exitCode).toBe(3);
    const slow = await runProcess(process.execPath, ['-e', 'setTimeout(() => {}, 10000)'], { timeoutMs: 200 });
    expect(slow).toMatchObject({ timedOut: true, exitCode: null });
    await expect(runProcess('/nonexistent/fswebcam', [], { timeoutMs: 1000 })).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(condition()).toBe(true);
}
