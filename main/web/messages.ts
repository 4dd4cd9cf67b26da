// The browser-mode wire format: the contract's ClientMessage checked with zod as it arrives, and
// ServerMessage encoded as it leaves. Anything that is not a ClientMessage ends the connection.
import { z } from 'zod';
import type { ClientMessage, ServerMessage } from '../api/contract.js';

const id = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

// `command` stays unknown here: it gets the contract's Command schema next, and a bad command
// inside a well-formed message is answered (invalid_command), not punished.
const ClientMessageSchema = z.discriminatedUnion('kind', [
  z.object({ id, kind: z.literal('command'), command: z.unknown() }).strict(),
  z.object({ id, kind: z.literal('getState') }).strict(),
]);

/** The message in a text frame, or undefined when it is not valid JSON of the contract's shape. */
export function parseClientMessage(text: string): ClientMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = ClientMessageSchema.safeParse(value);
  if (!parsed.success) return undefined;
  return parsed.data.kind === 'command' ? { id: parsed.data.id, kind: 'command', command: parsed.data.command } : parsed.data;
}

export function encodeServerMessage(message: ServerMessage): string {
  return JSON.stringify(message);
}
