// Site profiles: what a hotel, a ticket counter and a bank branch do with a verdict — which holder
// fields the clerk sees, what is reported (sealed), freshness grace, clock policy, relay, photo.
import { z } from 'zod';

export const SITE_PROFILE_NAMES = ['hotel', 'rail', 'bank'] as const;
export type SiteProfileName = (typeof SITE_PROFILE_NAMES)[number];

/**
 * Holder fields beyond name, masked number and document type (those three are always shown).
 * Each is also the i18n key the screen labels the value with: `holder.<field>`.
 */
export const HOLDER_FIELDS = ['latinName', 'birthDate', 'sex', 'nationality', 'address', 'validTo', 'authority', 'photo'] as const;
export type HolderField = (typeof HOLDER_FIELDS)[number];

export interface SiteProfile {
  readonly name: SiteProfileName;
  /** Extra holder fields the clerk sees on a verdict. */
  readonly shown: readonly HolderField[];
  /**
   * `guest_registration`: a valid verdict is reported to the bureau as a sealed registration
   * (name, document type and number, birth date, address, check-in time). `none`: only the audit
   * record (which carries a keyed pseudonym of the document, never the number).
   */
  readonly report: 'guest_registration' | 'none';
  /** How long past a list's `nu` it is still used, hours. */
  readonly listGraceHours: number;
  /** true: without a trusted clock every verdict is cannot_validate (clock_unsynced). */
  readonly requireTrustedClock: boolean;
  /** Allowed clock difference for nbf/exp/iat, seconds. */
  readonly skewSeconds: number;
  /** A verdict returns to waiting after this long unless the clerk holds it. */
  readonly verdictSeconds: number;
  /** `pulse_on_valid` opens a gate on a valid verdict (only if signals.relay is also enabled and wired). */
  readonly relay: 'pulse_on_valid' | 'never';
  /** Take the visitor's photo with the camera on a valid verdict and show it beside the verdict (never stored). */
  readonly visitorPhoto: boolean;
}

export const PROFILES: Readonly<Record<SiteProfileName, SiteProfile>> = {
  // Guest registration: the clerk copies nothing by hand; the bureau receives it sealed.
  hotel: {
    name: 'hotel',
    shown: ['latinName', 'birthDate', 'nationality', 'photo'],
    report: 'guest_registration',
    listGraceHours: 72,
    requireTrustedClock: false,
    skewSeconds: 60,
    verdictSeconds: 15,
    relay: 'pulse_on_valid',
    visitorPhoto: true,
  },
  // Real-name ticket check: a queue, a glance, nothing kept but the audit record.
  rail: {
    name: 'rail',
    shown: ['latinName'],
    report: 'none',
    listGraceHours: 120,
    requireTrustedClock: false,
    skewSeconds: 60,
    verdictSeconds: 5,
    relay: 'never',
    visitorPhoto: false,
  },
  // Account opening: the teller checks every field against the form; no verdict on a clock it cannot trust.
  bank: {
    name: 'bank',
    shown: ['latinName', 'birthDate', 'sex', 'nationality', 'address', 'validTo', 'authority', 'photo'],
    report: 'none',
    listGraceHours: 24,
    requireTrustedClock: true,
    skewSeconds: 30,
    verdictSeconds: 30,
    relay: 'never',
    visitorPhoto: false,
  },
};

/** What a site may change of its profile (`site.overrides`); the rest is the profile's. */
export const ProfileOverridesSchema = z.strictObject({
  shown: z.array(z.enum(HOLDER_FIELDS)).max(HOLDER_FIELDS.length).optional(),
  listGraceHours: z.number().int().min(0).max(24 * 30).optional(),
  requireTrustedClock: z.boolean().optional(),
  skewSeconds: z.number().int().min(0).max(600).optional(),
  verdictSeconds: z.number().int().min(2).max(600).optional(),
  relay: z.enum(['pulse_on_valid', 'never']).optional(),
  visitorPhoto: z.boolean().optional(),
});
export type ProfileOverrides = z.infer<typeof ProfileOverridesSchema>;

/** The profile a site runs: its named profile with the site's overrides applied. */
export function siteProfile(name: SiteProfileName, overrides: ProfileOverrides = {}): SiteProfile {
  const base = PROFILES[name];
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  return { ...base, ...defined };
}
