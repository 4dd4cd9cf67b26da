// Test support: the card-reader simulator wired to @serialport/binding-mock, so the real
// SerialCardReader runs its serial stack against a reader that speaks the protocol.
import { SerialPortMock } from 'serialport';
import type { OpenSerialPort } from '../../../../drivers/card-reader/link.js';
import type { CardReader } from '../../../../drivers/card-reader/reader.js';
import { CardReaderSimulator, type SimulatorTransport } from '../../../../tools/sim/card-reader/simulator.js';
import { sleep, waitFor as waitForUpTo } from '../../../support/wait.js';

type MockBindingPort = NonNullable<SerialPortMock['port']>;

export interface MockReader {
  sim: CardReaderSimulator;
  openPort: OpenSerialPort;
  /** Ports the driver opened, newest last. */
  ports: SerialPortMock[];
}

export function mockReader(path: string, options: { createPort?: boolean } = {}): MockReader {
  if (options.createPort !== false) SerialPortMock.binding.createPort(path, { echo: false, record: false });
  let binding: MockBindingPort | undefined;
  const listeners: ((chunk: Buffer) => void)[] = [];
  const transport: SimulatorTransport = {
    async send(bytes) {
      if (binding?.isOpen) binding.emitData(Buffer.from(bytes));
    },
    onReceive: (l) => listeners.push(l),
    async close() {},
  };
  const ports: SerialPortMock[] = [];
  const openPort: OpenSerialPort = ({ path: p, baudRate }) => {
    const port = new SerialPortMock({ path: p, baudRate, autoOpen: false });
    port.on('open', () => {
      const b = port.port!;
      const write = b.write.bind(b);
      // What the host writes reaches the simulator, a turn later as over a real line.
      b.write = async (buf: Buffer) => {
        await write(buf);
        const copy = Buffer.from(buf);
        setImmediate(() => listeners.forEach((l) => l(copy)));
      };
      binding = b;
    });
    ports.push(port);
    return port;
  };
  return { sim: new CardReaderSimulator(transport), openPort, ports };
}

export interface EventLog {
  events: { event: string; arg?: unknown }[];
  count(event: string): number;
  last(event: string): unknown;
}

export function recordEvents(reader: CardReader): EventLog {
  const events: { event: string; arg?: unknown }[] = [];
  const on = reader.on as (this: CardReader, event: string, listener: (arg?: unknown) => void) => CardReader;
  for (const event of ['card', 'removed', 'error', 'health']) on.call(reader, event, (arg?: unknown) => events.push({ event, arg }));
  return {
    events,
    count: (e) => events.filter((x) => x.event === e).length,
    last: (e) => events.filter((x) => x.event === e).at(-1)?.arg,
  };
}

export { sleep };

/** test/support's waitFor with the 5 s these mock-port tests allow. */
export const waitFor = (what: string, check: () => boolean, ms = 5000): Promise<void> => waitForUpTo(what, check, ms);
