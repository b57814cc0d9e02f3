import { describe, expect, it } from 'vitest';
import { buildVendorTable, PRIVATE_ADDRESS, vendorFields, vendorOf, vendorTable, vendorTableError } from './oui.js';

describe('vendorOf with the oui-data registry', () => {
  it('loads the IEEE registries', () => {
    expect(vendorTableError()).toBeNull();
    // MA-L alone has about 40k prefixes; a truncated or reshaped file would fall far short.
    expect(vendorTable().names.size).toBeGreaterThan(40_000);
    expect(vendorTable().subdivided.size).toBeGreaterThan(100);
  });

  it('names the vendor of an MA-L prefix in any MAC notation', () => {
    expect(vendorOf('00:0C:42:12:34:56')).toBe('Routerboard.com');
    expect(vendorOf('b8-27-eb-00-00-01')).toBe('Raspberry Pi Foundation');
    expect(vendorOf('dc2c.6e01.0203')).toBe('Routerboard.com');
    expect(vendorOf('  DC2C6E010203 ')).toBe('Routerboard.com');
  });

  it('prefers the MA-M and MA-S blocks inside prefixes held by the IEEE Registration Authority', () => {
    expect(vendorOf('10:06:48:11:22:33', buildVendorTable({ '100648': 'IEEE Registration Authority' }))).toBe(
      'IEEE Registration Authority',
    );
    // Real entries: 10:06:48 is the RA's block; 10:06:48:0 is Flextronics (MA-M).
    expect(vendorOf('10:06:48:01:22:33')).toBe('FLEXTRONICS TECHNOLOGIES (INDIA) PVT LTD');
    const table = buildVendorTable({
      '70B3D5': 'IEEE Registration Authority\nsomewhere',
      '70B3D51': 'Medium block\naddress',
      '70B3D5123': 'Small block\naddress',
    });
    expect(vendorOf('70:B3:D5:12:34:56', table)).toBe('Small block');
    expect(vendorOf('70:B3:D5:1F:00:00', table)).toBe('Medium block');
    expect(vendorOf('70:B3:D5:FF:00:00', table)).toBe('IEEE Registration Authority');
  });

  it('calls locally administered MACs private addresses, whatever the registry says', () => {
    for (const second of ['2', '6', 'A', 'E', 'a', 'e']) {
      expect(vendorOf(`0${second}:11:22:33:44:55`)).toBe(PRIVATE_ADDRESS);
    }
    // 02:60:8C is a 1980s 3Com assignment with the local bit set; today such addresses are randomised.
    expect(vendorOf('02:60:8C:00:00:01')).toBe(PRIVATE_ADDRESS);
    expect(vendorOf('DA:A1:19:00:00:01')).toBe(PRIVATE_ADDRESS);
  });

  it('returns null for unregistered prefixes and for text that is not a MAC', () => {
    expect(vendorOf('00:00:00:00:00:00', buildVendorTable({}))).toBeNull();
    for (const bad of ['', 'nope', '00:0C:42', '00:0C:42:12:34:56:78', 'GG:0C:42:12:34:56', '<img src=x>']) {
      expect(vendorOf(bad)).toBeNull();
    }
  });

  it('keeps only the first line of an entry, with its whitespace collapsed', () => {
    const table = buildVendorTable({
      AABBCC: '  Acme\u00a0 Widgets\tLtd \nStreet 1\nTown',
      AABBCD: 42,
      'not hex': 'Ignored',
      AABBCE: '\nno name on the first line',
    });
    expect([...table.names]).toEqual([['AABBCC', 'Acme Widgets Ltd']]);
    expect(buildVendorTable(null).names.size).toBe(0);
    expect(buildVendorTable('text').names.size).toBe(0);
  });

  it('gives /api/devices a vendor field', () => {
    expect(vendorFields({ mac: '00:0C:42:00:00:01' })).toEqual({ vendor: 'Routerboard.com' });
    expect(vendorFields({ mac: '12:00:00:00:00:01' })).toEqual({ vendor: PRIVATE_ADDRESS });
  });
});
