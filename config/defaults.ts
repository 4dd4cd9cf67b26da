// The kiosk's defaults: every key a site may leave out, with the value it gets. Device paths match
// the udev rules (config/udev) and `verikiosk doctor`'s defaults, so the three agree.

/** Serial and video device names the udev rules create (see config/udev/99-verikiosk.rules). */
export const DEFAULT_DEVICE_PATHS = {
  cardReader: '/dev/verikiosk-card-reader',
  qrScanner: '/dev/verikiosk-qr-scanner',
  camera: '/dev/video0',
} as const;

export const DEFAULTS = {
  site: { profile: 'hotel', name: 'verikiosk' },
  language: 'zh-CN',
  dataDir: '/var/lib/verikiosk',
  cardReader: { port: DEFAULT_DEVICE_PATHS.cardReader, baudRate: 115_200, pollIntervalMs: 300 },
  qrScanner: { port: DEFAULT_DEVICE_PATHS.qrScanner, baudRate: 9600, terminator: 'cr', prefix: '', suffix: '' },
  camera: { device: DEFAULT_DEVICE_PATHS.camera, width: 640, height: 480, scanCodes: false, scanIntervalMs: 1500 },
  bureau: { syncIntervalSeconds: 300 },
  operator: { idleLogoutSeconds: 120, maxAttempts: 5, lockoutSeconds: 30, maxLockoutSeconds: 3600 },
  session: { debounceMs: 2000, maxHoldSeconds: 300 },
  simulation: false,
  logLevel: 'info',
} as const;

/**
 * scrypt cost for the operator PIN: N = 2^15, r = 8 → 32 MiB and about 100 ms on a Pi 4, so a
 * stolen config costs an attacker ~10^4 PINs (all 4–6 digit ones within a day) — the lock-out on
 * the kiosk, not the KDF, is what protects a short PIN; the KDF keeps it off a GPU farm's cheap list.
 */
export const DEFAULT_PIN_KDF = { N: 32_768, r: 8, p: 1, keyLength: 32 } as const;
