// The audit log: records, hash chain, Merkle tree and signed tree heads, sealed personal data,
// the outbox state, and `audit verify`. Everything the kiosk and the bureau share about it.
export { AuditLog, type AppendedRecord, type AuditLogOptions, type OutboxRecord, type StoredRecord } from './log.js';
export { auditVerify, type AuditProblem, type AuditVerifyReport } from './verify.js';
export { AuditError, AUDIT_ERROR_CODES, type AuditErrorCode } from './errors.js';
export { systemClock, type AuditClock } from './clock.js';
export {
  AuditEventSchema,
  AuditRecordSchema,
  DocumentRefSchema,
  RECORD_VERSION,
  RecordedEventSchema,
  decodeRecord,
  encodeRecord,
  parseEvent,
  type AuditEvent,
  type AuditEventKind,
  type AuditRecord,
  type DocumentRef,
  type RecordedEvent,
} from './record.js';
export {
  CHAIN_CONTEXT,
  ChainVerifier,
  GENESIS_CHAIN_HASH,
  chainHash,
  verifyChain,
  type ChainEntry,
  type ChainFailure,
  type ChainProblem,
  type ChainResult,
  type ChainStart,
  type ChainSuccess,
} from './chain.js';
export {
  EMPTY_ROOT,
  MerkleFrontier,
  consistencyProof,
  inclusionProof,
  leafHash,
  nodeHash,
  rootFromInclusionProof,
  rootOf,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';
export { treeHeadBytes, verifyTreeHead, type SignedTreeHead } from './tree-head.js';
export { documentPseudonym, loadDeviceId, loadDeviceKey, verifyDeviceSignature, type DeviceKey } from './device-key.js';
export {
  GuestRegistrationSchema,
  SEAL_SUITE_NAME,
  generateBureauKeyPair,
  openHpke,
  openSealed,
  sealInfo,
  type GuestRegistration,
  type SealBinding,
  type SealedPayload,
} from './seal.js';
