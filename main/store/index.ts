// The one front door to SQLite: callers get openStore and typed repositories; SQL strings live
// only in this folder.
export { openStore, type Store, type StoreOptions, type StoreSettings } from './open.js';
export { StoreError, STORE_ERROR_CODES, type StoreErrorCode } from './errors.js';
export type { MetaKey, MetaRepository, MetaValues } from './meta.js';
export type { ListKind, StoredList, TrustRepository } from './trust.js';
export type { AuditRepository, AuditRow, SealedRow, TreeHeadRow } from './audit.js';
export type { AcceptedToken, ReplayRepository } from './replay.js';
export { SCHEMA_VERSION } from './migrations/index.js';
