// Public face of device supervision: the DeviceSupervisor (reopen with back-off, health), the
// open-error wording, and serial port listing and resolution of stable names.
export { DeviceSupervisor, describeOpenError } from './supervisor.js';
export type { DeviceHealth, DeviceClock, ConnectionReport, Disconnect, BackOff, DeviceSupervisorOptions, DeviceSupervisorEvents, RetryScheduled } from './supervisor.js';
export { listSerialPorts, readByIdLinks, resolveSerialPort, toDiskPath, toSystemPath } from './serial-ports.js';
export type { SerialPortEntry, SerialPortListing, SerialProbe, ByIdLink, SerialPortResolution, SerialPortProblem } from './serial-ports.js';
