// `npm run lint:electron`: electronegativity over what the Electron app is made of — the shell's
// sources, the screen's HTML as built, and the CSP header app:// sends — failing on any finding
// that is not in the reviewed list below (each entry says why it stands).
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY } from '../../main/api/csp.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Issue {
  readonly id: string;
  readonly file: string;
  readonly location: { readonly line: number; readonly column: number };
  readonly sample?: string;
  readonly description: string;
  readonly severity: { readonly name?: string };
  readonly confidence: { readonly name?: string };
}
interface ScanResult {
  readonly issues: readonly Issue[];
  readonly errors: ReadonlyArray<{ readonly file: string; readonly message: string; readonly tolerable: boolean }>;
}
type Run = (options: Record<string, unknown>, forCli: boolean) => Promise<ScanResult>;

/**
 * Findings a person has reviewed. Matched on check, file and the exact sample, so a change to
 * what was reviewed (a different policy, another file) brings the finding back.
 */
const SELF_ONLY =
  "csp-evaluator's 'maybe' on script-src 'self' (a risk when an origin hosts JSONP, Angular or uploads): app://kiosk and the loopback server serve only the built renderer.";
const REVIEWED: ReadonlyArray<{ readonly id: string; readonly file: string; readonly sample: string; readonly why: string }> = [
  { id: 'CSP_GLOBAL_CHECK', file: 'app-protocol-headers.html', sample: CONTENT_SECURITY_POLICY, why: SELF_ONLY },
  // The screen's own meta tag repeats the policy (both are enforced; the stricter wins).
  { id: 'CSP_GLOBAL_CHECK', file: 'renderer/index.html', sample: META_CONTENT_SECURITY_POLICY, why: SELF_ONLY },
];

/** The files electronegativity is shown, in a scratch folder: it scans one folder. */
function stage(): string {
  const dir = mkdtempSync(join(tmpdir(), 'verikiosk-electronegativity-'));
  cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  cpSync(join(ROOT, 'main', 'shell'), join(dir, 'main', 'shell'), { recursive: true });
  // The CSP is a shared constant sent as a header, which electronegativity cannot read from code:
  // it is shown the exact policy as the meta tag it does read.
  writeFileSync(
    join(dir, 'app-protocol-headers.html'),
    `<!doctype html>\n<!-- The Content-Security-Policy header of app:// (main/shell/protocol.ts) and browser mode, from main/api/csp.ts. -->\n` +
      `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">\n`,
  );
  const rendererDir = join(ROOT, 'dist', 'renderer');
  if (!existsSync(join(rendererDir, 'index.html'))) throw new Error('lint:electron: dist/renderer/index.html is missing; run `npm run build` first');
  for (const name of readdirSync(rendererDir).filter((n) => n.endsWith('.html'))) cpSync(join(rendererDir, name), join(dir, 'renderer', name));
  return dir;
}

export async function scanElectronApp(): Promise<{ findings: Issue[]; reviewed: Issue[]; errors: ScanResult['errors'] }> {
  const require = createRequire(import.meta.url);
  const run = require('@doyensec/electronegativity') as Run;
  const electronVersion = (require('electron/package.json') as { version: string }).version;
  const dir = stage();
  try {
    const result = await run(
      { input: dir, isRelative: true, isVerbose: false, electronVersionOverride: electronVersion, customScan: [], excludeFromScan: [], parserPlugins: [] },
      false,
    );
    const isReviewed = (issue: Issue) => REVIEWED.some((r) => r.id === issue.id && r.file === issue.file && r.sample === issue.sample);
    return { findings: result.issues.filter((i) => !isReviewed(i)), reviewed: result.issues.filter(isReviewed), errors: result.errors };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { findings, reviewed, errors } = await scanElectronApp();
  const hardErrors = errors.filter((e) => !e.tolerable);
  for (const e of hardErrors) console.error(`lint:electron: could not parse ${e.file}: ${e.message}`);
  for (const r of reviewed) console.log(`lint:electron: reviewed ${r.id} in ${r.file}`);
  for (const f of findings) {
    console.error(`lint:electron: ${f.id} ${f.severity.name ?? ''}/${f.confidence.name ?? ''} ${f.file}:${f.location.line}:${f.location.column} — ${f.description}${f.sample ? `\n    ${f.sample}` : ''}`);
  }
  if (findings.length > 0 || hardErrors.length > 0) {
    console.error(`lint:electron: ${findings.length} finding(s), ${hardErrors.length} parse error(s)`);
    process.exitCode = 1;
  } else {
    console.log('lint:electron: no findings');
  }
}
