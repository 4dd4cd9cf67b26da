// Public face of the configuration: schema, loader, defaults, site profiles and the PIN hash.
export { ConfigSchema, ConfigError, configErrorOf, type ConfigInput, type ParsedConfig } from './schema.js';
export { parseConfig, readConfigFile, type ParseConfigOptions } from './load.js';
export { DEFAULTS, DEFAULT_DEVICE_PATHS, DEFAULT_PIN_KDF } from './defaults.js';
export { PROFILES, HOLDER_FIELDS, SITE_PROFILE_NAMES, ProfileOverridesSchema, siteProfile, type HolderField, type ProfileOverrides, type SiteProfile, type SiteProfileName } from './profiles.js';
export { PinHashSchema, PIN_PATTERN, hashPin, verifyPin, setPinInConfigFile, type PinHash } from './pin.js';
