const BARE_HEX = /^[0-9A-Fa-f]{12}$/;
const GROUP = /^[0-9A-Fa-f]{1,2}$/;

/**
 * Upper-case colon form ("AA:BB:CC:DD:EE:FF"), or null when the text is not a
 * 48-bit MAC. Accepts the forms admins paste into a config: "aa-bb-..",
 * "aabb.ccdd.eeff", "aabbccddeeff" and single-digit groups ("a:b:c:d:e:f").
 * The canonical form is checked first because nearly every row already is.
 */
export function normalizeMac(raw: string): string | null {
  if (typeof raw !== 'string') return null;
  if (isCanonical(raw)) return raw;
  const trimmed = raw.trim();
  const groups = trimmed.split(/[:-]/);
  if (groups.length === 6 && groups.every((group) => GROUP.test(group))) {
    return groups.map((group) => group.padStart(2, '0').toUpperCase()).join(':');
  }
  const hex = trimmed.replace(/[.:-]/g, '');
  if (!BARE_HEX.test(hex)) return null;
  const upper = hex.toUpperCase();
  return `${upper.slice(0, 2)}:${upper.slice(2, 4)}:${upper.slice(4, 6)}:${upper.slice(6, 8)}:${upper.slice(8, 10)}:${upper.slice(10, 12)}`;
}

/** A hand-written check: it runs for every row of every table, and beats the regex by a wide margin. */
function isCanonical(text: string): boolean {
  if (text.length !== 17) return false;
  for (let i = 0; i < 17; i++) {
    const code = text.charCodeAt(i);
    if (i % 3 === 2) {
      if (code !== 0x3a) return false;
    } else if (!((code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46))) return false;
  }
  return true;
}

/**
 * The locally-administered bit (0x02 of the first octet) is what phones and
 * laptops set for private/randomised addresses; in the canonical form it shows
 * as a second hex digit of 2, 6, A or E.
 */
export function isLocallyAdministered(canonicalMac: string): boolean {
  const digit = canonicalMac.charCodeAt(1);
  // '2' '6' 'A' 'E'
  return digit === 0x32 || digit === 0x36 || digit === 0x41 || digit === 0x45;
}
