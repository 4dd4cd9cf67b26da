// `npm run bureau`: the reference bureau from the shell. The first stdout line is always
// `bureau listening on <url>` (scripts wait for it); logs are JSON lines on stderr.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { bureauLogger, startBureau } from './server.js';

const USAGE = `usage: npm run bureau -- [options]
  --port N            port to listen on (0: any free port; default 8443 with TLS, 8080 without)
  --host H            address to listen on (default 127.0.0.1)
  --data DIR          database and keys (default var/bureau)
  --demo              on first start: demo anchor, issuer keys, TL1, SL1, sample codes, enrolment codes
  --admin-token T     bearer token for /admin/* (default: admin endpoints off)
  --tls-cert FILE     PEM certificate  } both: serve HTTPS
  --tls-key FILE      PEM private key  }
  --log-level L       pino level (default info)`;

function fail(message: string): never {
  console.error(`bureau: ${message}\n${USAGE}`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      data: { type: 'string' },
      demo: { type: 'boolean' },
      'admin-token': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  }));
} catch (err) {
  fail((err as Error).message);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const tlsGiven = values['tls-cert'] !== undefined || values['tls-key'] !== undefined;
if (tlsGiven && (values['tls-cert'] === undefined || values['tls-key'] === undefined)) fail('--tls-cert and --tls-key go together');
const port = Number(values.port ?? (tlsGiven ? 8443 : 8080));
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0..65535, got ${values.port}`);
const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const level = values['log-level'] ?? 'info';
if (!levels.includes(level)) fail(`--log-level must be one of ${levels.join(', ')}`);

const bureau = await startBureau({
  port,
  host: values.host ?? '127.0.0.1',
  dataDir: resolve(values.data ?? 'var/bureau'),
  demo: values.demo ?? false,
  ...(values['admin-token'] ? { adminToken: values['admin-token'] } : {}),
  ...(tlsGiven ? { tls: { cert: readFileSync(values['tls-cert']!), key: readFileSync(values['tls-key']!) } } : {}),
  logger: bureauLogger(undefined, level),
});
console.log(`bureau listening on ${bureau.url}`);
console.log(`anchors (install on kiosks): ${resolve(bureau.dataDir, 'keys/anchors.pem')}`);
console.log(`seal key: ${Buffer.from(bureau.sealPublicKey).toString('base64')}`);
const codes = bureau.unusedEnrolmentCodes();
if (codes.length > 0) console.log(`enrolment codes: ${codes.join(' ')}`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    bureau.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`bureau: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  });
}
