// The drawings that tell a visitor what to do without reading: an ID card going onto the reader,
// a phone's ID code under the scanner, and the verdict marks (✓ ✗ !). Inline SVG, no assets.
import type { Result } from '../../main/api/contract.js';

/** Decorative: the caption beside each picture says the same in words. */
const hidden = { 'aria-hidden': true, focusable: 'false' } as const;

export function CardOnReader({ class: className }: { class?: string }) {
  return (
    <svg {...hidden} class={className} viewBox="0 0 360 260">
      <g transform="translate(82 8) rotate(-3 100 63)">
        <rect width="200" height="126" rx="12" fill="#DCEBFA" stroke="#1F4E99" stroke-width="4" />
        <rect x="126" y="18" width="56" height="70" rx="4" fill="#A9C3E3" />
        <circle cx="154" cy="44" r="13" fill="#1F4E99" />
        <path d="M133 86c3-14 12-21 21-21s18 7 21 21z" fill="#1F4E99" />
        <rect x="18" y="22" width="92" height="10" rx="5" fill="#1F4E99" />
        <rect x="18" y="42" width="70" height="8" rx="4" fill="#6F8DB8" />
        <rect x="18" y="58" width="84" height="8" rx="4" fill="#6F8DB8" />
        <rect x="18" y="74" width="60" height="8" rx="4" fill="#6F8DB8" />
        <rect x="18" y="102" width="164" height="10" rx="5" fill="#1F4E99" />
      </g>
      <path d="M180 142v20m-12-10l12 12 12-12" fill="none" stroke="#1F4E99" stroke-width="6" stroke-linecap="round" stroke-linejoin="round" />
      <rect x="30" y="176" width="300" height="72" rx="14" fill="#2B3440" />
      <rect x="54" y="168" width="252" height="20" rx="8" fill="#4A5666" />
      <g fill="none" stroke="#B7C7DA" stroke-width="5" stroke-linecap="round">
        <path d="M164 204a14 14 0 0 1 0 26" />
        <path d="M176 196a26 26 0 0 1 0 42" />
        <path d="M188 188a38 38 0 0 1 0 58" />
      </g>
      <circle cx="300" cy="214" r="7" fill="#3DDC84" />
    </svg>
  );
}

// A made-up 10×10 pattern with the three finder squares a QR code has: it only has to look like one.
const QR_ROWS = ['1110010111', '1010110101', '1110001111', '0001011000', '1101100110', '0110101011', '1010011100', '1110100101', '1010011011', '1110110001'];

export function PhoneUnderScanner({ class: className }: { class?: string }) {
  const modules = QR_ROWS.flatMap((row, y) => [...row].map((bit, x) => (bit === '1' ? <rect key={`${x}-${y}`} x={140 + x * 8} y={142 + y * 8} width="8" height="8" /> : null)));
  return (
    <svg {...hidden} class={className} viewBox="0 0 360 260">
      <path d="M148 58L104 150h152l-44-92z" fill="#E4572E" opacity="0.22" />
      <rect x="108" y="8" width="144" height="46" rx="10" fill="#2B3440" />
      <rect x="146" y="50" width="68" height="9" rx="4" fill="#E4572E" />
      <rect x="118" y="106" width="124" height="150" rx="18" fill="#1B2430" />
      <rect x="128" y="122" width="104" height="120" rx="6" fill="#FFFFFF" />
      <g fill="#111111" shape-rendering="crispEdges">
        {modules}
      </g>
    </svg>
  );
}

/** The big mark of a verdict: ✓ valid, ✗ invalid, ! anything that is neither. */
export function VerdictMark({ result, class: className }: { result: Result; class?: string }) {
  const mark =
    result === 'valid' ? <path d="M28 52l15 15 30-33" /> : result === 'invalid' ? <path d="M33 33l34 34m0-34L33 67" /> : <path d="M50 24v34m0 16v2" />;
  return (
    <svg {...hidden} class={className} viewBox="0 0 100 100" fill="none" stroke="currentColor" stroke-width="9" stroke-linecap="round" stroke-linejoin="round">
      <circle cx="50" cy="50" r="44" stroke-width="7" />
      {mark}
    </svg>
  );
}

export function LockMark() {
  return (
    <svg {...hidden} class="lock-mark" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round">
      <rect x="5" y="11" width="14" height="10" rx="2" />
      <path d="M8 11V8a4 4 0 0 1 8 0v3" />
    </svg>
  );
}
