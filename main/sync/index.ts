// The kiosk's side of the bureau: the lists in force, the trusted clock, the HTTP client, the
// sync loop (lists, time, audit upload) and enrolment.
export { KioskTrust, type KioskTrustOptions, type ListKind, type ListSource, type ListUpdate } from './trust-store.js';
export {
  TrustedClock,
  systemNtpProbe,
  type ClockChange,
  type ClockSource,
  type ClockStatus,
  type NtpProbe,
  type SystemNtpProbeOptions,
  type SystemTime,
  type TimeRequest,
  type TrustedClockOptions,
} from './clock.js';
export {
  BureauClient,
  type AuditBatch,
  type AuditState,
  type BureauApi,
  type BureauClientOptions,
  type EnrolmentAnswer,
  type FetchFunction,
  type ListAnswer,
  type UploadRecord,
  type UploadTreeHead,
} from './client.js';
export {
  BureauSync,
  type BureauSyncOptions,
  type Connectivity,
  type CycleReport,
  type ListSyncStatus,
  type SyncErrorInfo,
  type SyncStatus,
  type SyncTimers,
} from './sync.js';
export { Backoff, type BackoffOptions } from './backoff.js';
export { BatchTreeHeads } from './tree-heads.js';
export { enrol, ed25519Spki, type EnrolOptions, type Enrolment } from './enrol.js';
export {
  BUREAU_ERROR_CODES,
  BureauError,
  CLOCK_ERROR_CODES,
  ClockError,
  SYNC_ERROR_CODES,
  SyncError,
  codeOf,
  type BureauErrorCode,
  type ClockErrorCode,
  type SyncErrorCode,
} from './errors.js';
