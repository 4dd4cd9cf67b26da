// Public face of the card-reader driver: the CardReader interface, the serial implementation,
// the fake twin, the one-shot read, the record type and the typed errors.
export type { CardReader, CardReaderEvents, ReaderHealth, SerialCardReaderOptions, CommandTimeouts, ReadCardOnceOptions } from './reader.js';
export { SerialCardReader, readCardOnce, MIN_POLL_INTERVAL_MS } from './reader.js';
export { FakeCardReader, type FakeCardReaderOptions } from './fake.js';
export type { SerialPortLike, OpenSerialPort } from './link.js';
export type { PhotoDecoder, DecodedPhoto } from './photo.js';
export type { CardRecord, CardKind, CardPhoto, FieldFlag, FieldFlagCode, TypeMark } from './text.js';
export { decodeCard } from './text.js';
export { CardReaderError, ReaderStatusError, STATUS_TABLE, type CardReaderErrorCode } from './errors.js';
export { SEX_CODES, ETHNICITY_CODES, type CodedValue } from './codes.js';
