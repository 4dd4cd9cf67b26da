// The issuer toolkit's public face: keys, COSE signing, EID1 codes, TL1/SL1 lists, QR images,
// the sample holders and the demo fixture set, for the tests, the demo and the reference bureau.
export * from './keys.js';
export * from './cose.js';
export * from './eid.js';
export * from './lists.js';
export * from './qr.js';
export * from './holders.js';
export * from './demo.js';
