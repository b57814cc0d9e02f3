/**
 * MAC address spelling, shared by the RouterOS layer (which reads MACs from
 * replies) and the inventory (which keys devices and watched devices by MAC).
 * Pure, never throws: anything that is not a MAC becomes null / false.
 */

const MAC_COLON_OR_DASH = /^[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(?:\1[0-9A-Fa-f]{2}){4}$/;
const MAC_DOTTED = /^[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}$/;
const MAC_BARE = /^[0-9A-Fa-f]{12}$/;

/** Upper-case colon form, checked by hand: it runs for every row of every table and beats a regex by a wide margin. */
function isCanonicalMac(text: string): boolean {
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
 * "AA:BB:CC:DD:EE:FF" from colon, dash, Cisco-dotted or bare-hex forms in any case;
 * null for anything else. Idempotent.
 */
export function normalizeMac(text: unknown): string | null {
  if (typeof text !== 'string') return null;
  // RouterOS already sends this form; polls map tens of thousands of MACs.
  if (isCanonicalMac(text)) return text;
  const value = text.trim();
  if (!(MAC_COLON_OR_DASH.test(value) || MAC_DOTTED.test(value) || MAC_BARE.test(value))) return null;
  const hex = value.replace(/[^0-9A-Fa-f]/g, '').toUpperCase();
  return hex.match(/../g)!.join(':');
}

/**
 * True for unicast, locally administered MACs (second hex digit 2, 6, A or E):
 * the randomised "private" addresses phones and laptops use per network.
 */
export function isLocallyAdministered(mac: unknown): boolean {
  const normalized = normalizeMac(mac);
  if (normalized === null) return false;
  const firstOctet = Number.parseInt(normalized.slice(0, 2), 16);
  return (firstOctet & 0x03) === 0x02;
}
