// The `verikiosk` command: dispatches sub-commands. Each returns its exit status; a
// sub-command module is loaded only when it is called, so start-up stays fast.

type Command = { summary: string; load: () => Promise<{ run(argv: string[]): Promise<number> }> };

const COMMANDS: Record<string, Command> = {
  verify: { summary: 'verify a scanned code offline and print the verdict as JSON', load: () => import('./verify.js') },
  lists: { summary: 'inspect a signed trust list or status list', load: () => import('./lists.js') },
  decode: { summary: 'read the QR code in PNG/JPEG images (one line per image)', load: () => import('./decode.js') },
  'read-card': { summary: 'wait for an ID card on a serial reader and print its fields as JSON', load: () => import('./read-card.js') },
  doctor: { summary: 'list serial ports, cameras and GPIO; say what is wrong with the configured devices', load: () => import('./doctor.js') },
  enrol: { summary: "register this kiosk's device key with the bureau (one-time code)", load: () => import('./enrol.js') },
  sync: { summary: 'sync with the bureau: signed time, lists, audit upload', load: () => import('./sync.js') },
  pin: { summary: 'set the operator PIN in a kiosk config file (reads the PIN from stdin)', load: () => import('../../config/pin.js') },
  audit: { summary: "check the kiosk's audit log end to end (audit verify)", load: () => import('./audit.js') },
};

export function usage(): string {
  const lines = ['Usage: verikiosk <command> [options]', '', 'Commands:'];
  for (const [name, cmd] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(14)} ${cmd.summary}`);
  lines.push('', 'Run `verikiosk <command> --help` for the options of one command.');
  return lines.join('\n') + '\n';
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return 0;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    process.stderr.write(`verikiosk: unknown command "${name}"\n${usage()}`);
    return 2;
  }
  return (await cmd.load()).run(rest);
}
