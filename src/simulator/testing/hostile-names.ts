/**
 * Test fixture: the sample home LAN with host names that are hostile to
 * exporters, terminals and web pages (quotes, backslashes, a newline, HTML,
 * label-like text, bytes that are not UTF-8). They were once part of the demo
 * LAN; they belong in tests, not in the first page a newcomer sees.
 */
import { type LanData, sampleLan, type Text } from '../lan.js';

/** Host names by MAC of devices in the sample LAN. */
export const HOSTILE_HOST_NAMES: Readonly<Record<string, Text>> = {
  '3E:E7:18:26:B4:44': 'Bob\'s "iPad"',
  'A4:C3:F0:F2:A3:48': 'back\\slash\\host',
  'FE:96:35:CF:E4:AC': 'line1\nline2',
  'FA:26:FE:F3:B9:FD': '</script><script>alert(1)</script>',
  // "bad-" C3 28 (an invalid two-byte sequence) FF "-utf8" 80: not UTF-8.
  '50:C7:BF:ED:03:B3': Buffer.from('6261642dc328ff2d7574663880', 'hex'),
  'EE:9C:AF:B1:A3:4F': 'label="x"} 1 # {evil}',
};

/** The sample LAN with those host names on its leases. */
export function sampleLanWithHostileNames(): LanData {
  const lan = sampleLan();
  for (const lease of lan.leases) {
    const hostile = HOSTILE_HOST_NAMES[lease.macAddress];
    if (hostile !== undefined) lease.hostName = Buffer.isBuffer(hostile) ? Buffer.from(hostile) : hostile;
  }
  return lan;
}
