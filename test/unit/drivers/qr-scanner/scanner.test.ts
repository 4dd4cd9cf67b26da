// SerialQrScanner over serialport's mock binding: scans, too_long, health on open failures,
// unplug/replug with reopen, stop, and option checks.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SerialPortMock } from 'serialport';
import { SerialQrScanner, type QrScan, type QrScannerHealth, type SerialQrScannerOptions } from '../../../../drivers/qr-scanner/scanner.js';

const PATH = '/dev/ttyQR0';
// The binding SerialPortMock really uses (importing @serialport/binding-mock from ESM gets another copy).
const MockBinding = SerialPortMock.binding;

function makeScanner(options: Partial<SerialQrScannerOptions> = {}): { scanner: SerialQrScanner; ports: SerialPortMock[] } {
  const ports: SerialPortMock[] = [];
  const scanner = new SerialQrScanner({
    path: PATH,
    openPort: (o) => {
      const port = new SerialPortMock(o);
      ports.push(port);
      return port;
    },
    reopen: { firstMs: 5, maxMs: 20 },
    ...options,
  });
  return { scanner, ports };
}

/** Resolves with the next health report that matches. */
function healthBecomes(scanner: SerialQrScanner, state: QrScannerHealth['state']): Promise<QrScannerHealth> {
  return new Promise((resolve) => {
    const onHealth = (h: QrScannerHealth): void => {
      if (h.state !== state) return;
      scanner.off('health', onHealth);
      resolve(h);
    };
    scanner.on('health', onHealth);
  });
}

function nextScan(scanner: SerialQrScanner): Promise<QrScan> {
  return new Promise((resolve) => scanner.once('scan', resolve));
}

function lastPort(ports: SerialPortMock[]): SerialPortMock {
  const port = ports.at(-1);
  if (!port?.port) throw new Error('no open mock port');
  return port;
}

let running: SerialQrScanner[] = [];
beforeEach(() => {
  MockBinding.reset();
  running = [];
});
afterEach(async () => {
  await Promise.all(running.map((s) => s.stop()));
  MockBinding.reset();
});

function track<T extends SerialQrScanner>(s: T): T {
  running.push(s);
  return s;
}

describe('SerialQrScanner', () => {
  it('opens the port at 9600 baud by default, reports ready, and emits scans stamped by its clock', async () => {
    MockBinding.createPort(PATH);
    const { scanner, ports } = makeScanner({ now: () => 1_700_000_000_000, terminator: 'crlf', prefix: ']Q1' });
    track(scanner);
    const health: QrScannerHealth[] = [];
    scanner.on('health', (h) => health.push(h));
    await scanner.start();
    expect(scanner.health).toEqual({ state: 'ready' });
    expect(health).toEqual([{ state: 'ready' }]);
    expect(lastPort(ports).baudRate).toBe(9600);

    const scans: QrScan[] = [];
    scanner.on('scan', (s) => scans.push(s));
    const second = new Promise<void>((resolve) => scanner.on('scan', () => scans.length === 2 && resolve()));
    lastPort(ports).port?.emitData(']Q1EID1:AAA\r\n]Q1HC');
    lastPort(ports).port?.emitData('1:BBB\r\n');
    await second;
    expect(scans).toEqual([
      { text: 'EID1:AAA', at: 1_700_000_000_000 },
      { text: 'HC1:BBB', at: 1_700_000_000_000 },
    ]);
  });

  it('uses the configured baud rate', async () => {
    MockBinding.createPort(PATH);
    const { scanner, ports } = makeScanner({ baudRate: 115200 });
    await track(scanner).start();
    expect(lastPort(ports).baudRate).toBe(115200);
  });

  it('reports a too-long code as a counted too_long event and keeps reading', async () => {
    MockBinding.createPort(PATH);
    const { scanner, ports } = makeScanner({ maxLength: 10 });
    await track(scanner).start();
    const dropped: number[] = [];
    scanner.on('too_long', (e) => dropped.push(e.dropped));
    const scan = nextScan(scanner);
    lastPort(ports).port?.emitData('A'.repeat(11) + '\r' + 'B'.repeat(500) + '\rEID1:OK\r');
    expect((await scan).text).toBe('EID1:OK');
    expect(dropped).toEqual([1, 2]);
  });

  it('is absent while the device is missing and becomes ready once it appears', async () => {
    const { scanner } = makeScanner();
    await track(scanner).start();
    expect(scanner.health).toEqual({ state: 'absent', why: `no device at ${PATH}` });
    const ready = healthBecomes(scanner, 'ready');
    MockBinding.createPort(PATH);
    await ready;
  });

  it('is faulty when the port is held by another program, and recovers when released', async () => {
    MockBinding.createPort(PATH);
    const squatter = new SerialPortMock({ path: PATH, baudRate: 9600, autoOpen: false });
    await new Promise<void>((resolve, reject) => squatter.open((err) => (err ? reject(err) : resolve())));
    const { scanner } = makeScanner();
    await track(scanner).start();
    expect(scanner.health).toEqual({ state: 'faulty', why: `${PATH} is in use by another program` });
    const ready = healthBecomes(scanner, 'ready');
    squatter.close();
    await ready;
  });

  it('on unplug reports absent, drops the half-read code, reopens with back-off on replug, and reads again', async () => {
    MockBinding.createPort(PATH);
    const { scanner, ports } = makeScanner();
    await track(scanner).start();
    const port = lastPort(ports);
    port.port?.emitData('EID1:HALF');
    await new Promise((resolve) => setTimeout(resolve, 10));

    const absent = healthBecomes(scanner, 'absent');
    // What serialport does when a read fails on a vanished device: close with a DisconnectedError.
    MockBinding.reset();
    port.close(undefined, Object.assign(new Error('device unplugged'), { disconnected: true }));
    expect(await absent).toEqual({ state: 'absent', why: 'disconnected: device unplugged' });
    const before = ports.length;
    await vi.waitFor(() => expect(ports.length).toBeGreaterThan(before + 2)); // failed reopen attempts
    expect(scanner.health).toEqual({ state: 'absent', why: `no device at ${PATH}` });

    const ready = healthBecomes(scanner, 'ready');
    MockBinding.createPort(PATH);
    await ready;
    const scan = nextScan(scanner);
    lastPort(ports).port?.emitData('EID1:AFTER\r');
    expect((await scan).text).toBe('EID1:AFTER');
  });

  it('notices an unplug that reads miss: the modem-status probe failing with EIO means absent', async () => {
    MockBinding.createPort(PATH);
    const { scanner, ports } = makeScanner({ probeMs: 5 });
    await track(scanner).start();
    const port = lastPort(ports);
    // What a hung-up tty answers (serialport's reads may instead spin on zero-byte reads).
    port.get = (callback) => callback(new Error('Input/output error, cannot get'));
    expect(await healthBecomes(scanner, 'absent')).toEqual({ state: 'absent', why: 'disconnected: Input/output error, cannot get' });
    expect(port.isOpen).toBe(false);
  });

  it('a port without modem lines (ENOTTY, like a pty) stays ready', async () => {
    MockBinding.createPort(PATH);
    const { scanner, ports } = makeScanner({ probeMs: 5 });
    await track(scanner).start();
    let probes = 0;
    lastPort(ports).get = (callback) => {
      probes += 1;
      callback(new Error('Inappropriate ioctl for device, cannot get'));
    };
    await vi.waitFor(() => expect(probes).toBeGreaterThan(3));
    expect(scanner.health).toEqual({ state: 'ready' });
  });

  it('backs off: the delay between attempts doubles up to the maximum', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { scanner, ports } = makeScanner({ reopen: { firstMs: 10, maxMs: 40 } });
      await track(scanner).start();
      const attemptsAfter = async (ms: number): Promise<number> => {
        await vi.advanceTimersByTimeAsync(ms);
        return ports.length;
      };
      expect(ports.length).toBe(1);
      expect([await attemptsAfter(9), await attemptsAfter(1)]).toEqual([1, 2]);
      expect([await attemptsAfter(19), await attemptsAfter(1)]).toEqual([2, 3]);
      expect([await attemptsAfter(39), await attemptsAfter(1)]).toEqual([3, 4]);
      expect([await attemptsAfter(39), await attemptsAfter(1)]).toEqual([4, 5]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('stop() closes the port, reports absent (stopped) and stops retrying', async () => {
    MockBinding.createPort(PATH);
    const { scanner, ports } = makeScanner();
    await scanner.start();
    const port = lastPort(ports);
    await scanner.stop();
    expect(port.isOpen).toBe(false);
    expect(scanner.health).toEqual({ state: 'absent', why: 'stopped' });
    const count = ports.length;
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(ports.length).toBe(count);
    // The port is free again: another program (or a restart) can open it.
    await scanner.start();
    expect(scanner.health).toEqual({ state: 'ready' });
    await scanner.stop();
  });

  it('stop() during a pending open leaves no port open', async () => {
    MockBinding.createPort(PATH);
    const { scanner, ports } = makeScanner();
    const started = scanner.start();
    await scanner.stop();
    await started;
    expect(ports.every((p) => !p.isOpen)).toBe(true);
    expect(scanner.health).toEqual({ state: 'absent', why: 'stopped' });
  });

  it.each([
    [{ path: '' }, /"path"/],
    [{ baudRate: 0 }, /"baudRate"/],
    [{ baudRate: 9600.5 }, /"baudRate"/],
    [{ terminator: 'etx' }, /"terminator"/],
    [{ reopen: { firstMs: 0 } }, /"reopen.firstMs"/],
    [{ reopen: { firstMs: 100, maxMs: 50 } }, /"reopen.maxMs"/],
    [{ baud: 9600 }, /unknown option "baud"/],
    [{ probeMs: -1 }, /"probeMs"/],
  ])('rejects %j naming the option', (options, message) => {
    expect(() => new SerialQrScanner({ path: PATH, ...(options as object) } as SerialQrScannerOptions)).toThrow(message);
  });
});
