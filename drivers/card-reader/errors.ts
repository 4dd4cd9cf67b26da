// Typed errors of the card reader: every failure carries a stable code and a plain-language
// meaning that says what to do. SW3 status values map to codes through STATUS_TABLE.

/** What each SW3 value means (spec/sam-reader.md "Status codes"; the vendors' SAM_V tables agree). */
export const STATUS_TABLE = {
  0x90: { code: 'ok', meaning: 'Success.' },
  0x9f: { code: 'card_found', meaning: 'A card was found.' },
  0x91: { code: 'no_content', meaning: 'The card holds no content for this item (for example, no appended address).' },
  0x10: {
    code: 'host_checksum_error',
    meaning: 'The reader received a frame with a bad checksum from this computer: the line is noisy or the baud rate is wrong.',
  },
  0x11: {
    code: 'host_length_error',
    meaning: 'The reader received a frame with a wrong length from this computer: the line is noisy or the baud rate is wrong.',
  },
  0x21: { code: 'command_error', meaning: 'The reader did not accept the command or its parameters.' },
  0x23: { code: 'not_permitted', meaning: 'The reader refused the operation as not permitted.' },
  0x24: { code: 'unrecognised_error', meaning: 'The reader reported an error it could not identify.' },
  0x31: { code: 'card_rejected_sam', meaning: "The card failed to authenticate the reader's security module (SAM)." },
  0x32: {
    code: 'sam_rejected_card',
    meaning: "The reader's security module failed to authenticate the card: it may be damaged or not genuine.",
  },
  0x33: { code: 'verification_failed', meaning: 'The information read from the card failed verification.' },
  0x40: { code: 'unknown_card_type', meaning: 'The card is not an identity card type the reader recognises.' },
  0x41: { code: 'read_failed', meaning: 'Reading the card failed: lift the card and place it again.' },
  0x47: { code: 'random_failed', meaning: 'The reader failed to generate a random number: try again, then power-cycle the reader.' },
  0x60: {
    code: 'sam_self_test_failed',
    meaning: "The reader's security module failed its self-test and takes no commands: power-cycle the reader.",
  },
  0x66: { code: 'sam_not_authorised', meaning: "The reader's security module is not authorised: the reader needs vendor service." },
  0x80: { code: 'no_card', meaning: 'No card was found on the reader.' },
  0x81: { code: 'select_failed', meaning: 'Selecting the card failed: lift the card and place it again.' },
} as const satisfies Record<number, { code: string; meaning: string }>;

export type StatusCode = (typeof STATUS_TABLE)[keyof typeof STATUS_TABLE]['code'];

/** Every code a CardReaderError can carry. Add codes, never rename them. */
export type CardReaderErrorCode =
  | StatusCode
  | 'unknown_status'
  | 'timeout'
  | 'port_unavailable'
  | 'disconnected'
  | 'bad_response'
  | 'bad_text_block'
  | 'no_card_in_time'
  | 'stopped';

const OTHER_MEANINGS: Record<Exclude<CardReaderErrorCode, StatusCode>, string> = {
  unknown_status: 'The reader answered with a status value outside the known table.',
  timeout: 'The reader did not answer in time, even after resending: check that it is powered and connected.',
  port_unavailable: 'The serial port could not be opened: check the cable, the port path and its permissions.',
  disconnected: 'The serial port went away: the reader was unplugged or lost power.',
  bad_response: 'The reader sent an answer of the wrong shape for the command.',
  bad_text_block: 'The text block read from the card does not have the expected layout.',
  no_card_in_time: 'No card was placed on the reader before the time ran out.',
  stopped: 'The card reader was stopped before the operation finished.',
};

export function meaningOf(code: CardReaderErrorCode): string {
  for (const entry of Object.values(STATUS_TABLE)) if (entry.code === code) return entry.meaning;
  return OTHER_MEANINGS[code as Exclude<CardReaderErrorCode, StatusCode>];
}

/** Base of every card-reader failure. `message` never holds personal data. */
export class CardReaderError extends Error {
  override readonly name: string = 'CardReaderError';
  readonly code: CardReaderErrorCode;
  /** Plain-language meaning of `code`, for the operator. */
  readonly meaning: string;

  constructor(code: CardReaderErrorCode, detail?: string, options?: { cause?: unknown }) {
    const meaning = meaningOf(code);
    super(detail ? `${meaning} (${detail})` : meaning, options);
    this.code = code;
    this.meaning = meaning;
  }
}

/** The reader answered a command with an SW3 other than success. */
export class ReaderStatusError extends CardReaderError {
  override readonly name = 'ReaderStatusError';
  readonly sw3: number;
  /** The command that got this answer, by its name in COMMANDS. */
  readonly command: string;

  constructor(sw3: number, command: string) {
    const entry = (STATUS_TABLE as Record<number, { code: StatusCode; meaning: string } | undefined>)[sw3];
    super(entry?.code ?? 'unknown_status', `SW3 ${sw3.toString(16).padStart(2, '0').toUpperCase()} to ${command}`);
    this.sw3 = sw3;
    this.command = command;
  }
}

/** The status entry for an SW3 value, if it is in the table. */
export function statusOf(sw3: number): { code: StatusCode; meaning: string } | undefined {
  return (STATUS_TABLE as Record<number, { code: StatusCode; meaning: string } | undefined>)[sw3];
}
