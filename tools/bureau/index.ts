// The reference bureau's public face: start one in-process (tests, the demo) and the types of
// its wire contract (API.md). `npm run bureau` runs main.ts around the same startBureau().
export { startBureau, bureauLogger, type Bureau, type BureauOptions, type DemoSetup } from './server.js';
export type { AuditStanding, BatchOutcome } from './audit-intake.js';
export type { RecordRow, RegistrationRow } from './db.js';
export type { Faults } from './faults.js';
export type { StatusListChange, TrustListChange } from './publications.js';
export { BureauError, BUREAU_ERROR_CODES, MAX_BATCH_RECORDS, MAX_BODY_BYTES, type BureauErrorCode, type FaultSettings } from './wire.js';
