// The Electron IPC channel names of the contract, alone in a file without zod so that the
// sandboxed preload (bundled into one small script) carries nothing else.
export const IPC_CHANNELS = { command: 'verikiosk:command', getState: 'verikiosk:get-state', state: 'verikiosk:state', operator: 'verikiosk:operator' } as const;
