// loadConfig: the kiosk's configuration checked whole at start-up — the schema of config/ plus
// the `signals` section through drivers/gpio's own checker — so any bad key fails at once, named.
import { checkSignalsConfig, SignalsConfigError, type SignalsSettings } from '../../drivers/gpio/index.js';
import { ConfigError, parseConfig, readConfigFile, type ParsedConfig } from '../../config/index.js';
import { siteProfile, type SiteProfile } from '../../config/profiles.js';

/** The checked configuration: `signals` is drivers/gpio's settings, or null when the kiosk has none. */
export type KioskConfig = Omit<ParsedConfig, 'signals'> & { readonly signals: SignalsSettings | null };

/**
 * A JSON file (relative paths inside it are taken relative to it) or an object (relative to the
 * working directory). Throws ConfigError: `config: cardReader.port: expected string`.
 */
export function loadConfig(source: string | object): KioskConfig {
  const parsed = typeof source === 'string' ? readConfigFile(source) : parseConfig(source);
  let signals: SignalsSettings | null = null;
  if (parsed.signals !== null) {
    try {
      signals = checkSignalsConfig(parsed.signals, 'signals');
    } catch (err) {
      if (err instanceof SignalsConfigError) throw new ConfigError(err.key, err.message.slice(err.key.length + 2));
      throw err;
    }
  }
  return { ...parsed, signals };
}

/** The profile the site runs: its named profile with `site.overrides` applied. */
export function profileOf(config: Pick<KioskConfig, 'site'>): SiteProfile {
  return siteProfile(config.site.profile, config.site.overrides);
}
