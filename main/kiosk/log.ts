// The kiosk's logger: pino with personal data redacted. The kiosk never passes holder data to a
// log call; the redact paths are the second line of defence should one ever slip in.
import { pino, type DestinationStream, type Logger } from 'pino';

/** Keys that could hold personal data, at the top level and one or two levels down. */
const PERSONAL_KEYS = [
  'name', 'latinName', 'nameEnglish', 'familyName', 'givenName',
  'number', 'documentNumber', 'idNumber', 'dn', 'passNumber',
  'address', 'birthDate', 'photo', 'portrait', 'wlt',
  'text', 'pin', 'holder', 'subject', 'record', 'registration', 'document',
] as const;

export const REDACT_PATHS: readonly string[] = PERSONAL_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

export type KioskLogger = Logger;

/** A pino logger writing JSON lines to `destination` (default stdout) with the redaction in place. */
export function createKioskLogger(options: { level?: string; destination?: DestinationStream } = {}): KioskLogger {
  return pino(
    {
      level: options.level ?? 'info',
      redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
      // Errors keep their code and message; a stack is for a developer's terminal, not the kiosk's journal.
      serializers: { err: (err: Error & { code?: unknown }) => ({ type: err.name, code: err.code, message: err.message }) },
    },
    options.destination,
  );
}
