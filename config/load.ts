// Reading and checking a configuration: JSON file or object in, ParsedConfig out or a ConfigError
// naming the bad key. Relative paths in a file are taken relative to the file.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError, ConfigSchema, configErrorOf, type ParsedConfig } from './schema.js';

export interface ParseConfigOptions {
  /** Relative file paths (dataDir, anchors, baseline lists) are resolved against it. Default: the working directory. */
  readonly baseDir?: string;
}

/** Checks a configuration object; throws ConfigError with the dotted path of the first bad key. */
export function parseConfig(input: unknown, options: ParseConfigOptions = {}): ParsedConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new ConfigError('', 'the configuration must be a JSON object');
  const result = ConfigSchema.safeParse(input);
  if (!result.success) throw configErrorOf(result.error, input);
  const c = result.data;
  const base = options.baseDir ?? process.cwd();
  const at = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  return {
    ...c,
    dataDir: at(c.dataDir),
    trust: {
      anchors: c.trust.anchors.map((a) => ('file' in a ? { file: at(a.file) } : a)),
      ...(c.trust.baselineTrustList !== undefined ? { baselineTrustList: at(c.trust.baselineTrustList) } : {}),
      ...(c.trust.baselineStatusList !== undefined ? { baselineStatusList: at(c.trust.baselineStatusList) } : {}),
    },
  };
}

/** Reads a JSON configuration file; its paths are resolved against its folder. */
export function readConfigFile(path: string): ParsedConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError('', `${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError('', `${path} is not JSON (${(err as Error).message})`);
  }
  return parseConfig(json, { baseDir: dirname(resolve(path)) });
}
