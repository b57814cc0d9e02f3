/**
 * The demo LAN served by `serve --demo`: a home network behind a router called
 * `demo`. Data only. It lives in a .ts module rather than a .json file so that
 * `tsc` ships it into dist/ with the code that loads it.
 *
 * What is in it: bound dynamic leases (many with randomised MACs), static leases
 * (some bound, some waiting for a device that is off), an offered lease,
 * lease-only devices that are asleep, ARP-only devices with static IPs, devices
 * only the bridge has seen, unresolved ARP entries, the ISP gateway on ether1,
 * the router's own local bridge entries, an IP claimed by two MACs, and host
 * names that are hostile to exporters and web pages (quotes, backslashes, a
 * newline, HTML, label-like text, bytes that are not UTF-8 given as {hex}).
 */
import type { SystemInfo } from '../lan.js';

export type SampleText = string | { hex: string };

interface SampleRowExtras {
  id?: string;
  extra?: Record<string, SampleText>;
  omit?: string[];
}

export interface SampleLan {
  /** The simulator's SystemInfo, with a plain-text identity and the version left to the profile. */
  system: Omit<SystemInfo, 'identity' | 'version'> & { identity: string };
  leases: Array<
    SampleRowExtras & {
      address: string;
      macAddress: string;
      server: string;
      status: string;
      dynamic: boolean;
      hostName: SampleText | null;
      comment: SampleText | null;
      lastSeen: number | null;
      expiresAfter: number | null;
    }
  >;
  arp: Array<
    SampleRowExtras & {
      address: string;
      macAddress: string | null;
      interface: string;
      dynamic: boolean;
      dhcp: boolean;
      status: 'reachable' | 'stale' | 'delay' | 'probe' | 'failed' | 'incomplete' | 'permanent';
      comment?: SampleText | null;
    }
  >;
  bridgeHosts: Array<
    SampleRowExtras & { macAddress: string; bridge: string; interface: string; dynamic: boolean; local: boolean }
  >;
}

export const SAMPLE_LAN: SampleLan = {
  "system": {
    "identity": "demo",
    "boardName": "hAP ax^3",
    "architectureName": "arm64",
    "cpu": "ARM64",
    "cpuCount": 4,
    "cpuFrequency": 864,
    "totalMemory": 1073741824,
    "totalHddSpace": 134217728,
    "uptimeSeconds": 789667,
    "buildTime": "2025-03-21 09:12:46",
    "factorySoftware": "7.5"
  },
  "leases": [
    {
      "id": "*1",
      "address": "192.168.88.101",
      "macAddress": "AE:84:4C:BB:BC:AB",
      "server": "defconf",
      "status": "bound",
      "dynamic": true,
      "hostName": "iPhone-Anna",
      "comment": null,
      "lastSeen": 31,
      "expiresAfter": 1495
    },
    {
      "id": "*2",
      "address": "192.168.88.102",
      "macAddress": "3E:19:D0:B7:99:2B",
      "server": "defconf",
      "status": "bound",
      "dynamic": true,
      "hostName": "iPhone-Ben",
      "comment": null,
      "lastSeen": 17,
      "expiresAfter": 123
    },
    {
      "id": "*3",
      "address": "192.168.88.103",
      "macAddress": "A6:01:78:99:9A:D4",
      "server": "defconf",
      "status": "bound",
      "dynamic": true,
      "hostName": "Galaxy-S23",
      "comment": null,
      "lastSeen": 28,
      "expiresAfter": 1735
    },
    {
      "id": "*4",
      "address": "192.168.88.104",
      "macAddress": "BE:D3:7E:1C:84:BD",
      "server": "defconf",
      "status": "bound",
      "dynamic": true,
      "hostName": "Pixel-8",
      "comment": null,
      "lastSeen": 50,
      "expiresAfter": 527
    },
    {
      "id": "*5",
      "address": "192.168.88.105",
      "macAddress": "4E:DB:1C:C0:0F:A8",
      "server": "defconf",
      "status": "bound",
      "dynamic": true,
      "hostName": "iPad",
      "comment": null,
      "lastSeen": 48,
      "expiresAfter": 255
    },
    {
      "id": "*6",
      "address": "192.168.88.106",
      "macAddress": "3C:22:FB:E1:A9:1E",
      "server": "defconf",
      "status": "bound",
      "dynamic": true,
      "hostName": "MacBook-Air",
      "comment": null,
      "lastSeen": 74,
      "expiresAfter": 1295
    },
    {
      "id": "*7",
      "address": "192.168.88.107",
      "macAddress": "1E:94:A6:6A:05:AB",
      "server": "defconf",
      "status": "bound",
      "dynamic": true,
      "hostName": "MacBook-Pro-Work",
      "comment": null,
      "lastSeen": 32,
      "expiresAfter": 568
    },
    {
      "id": "*8",
      "address": "192.168.88.108",
      "macAddress": "A4:C3:F0:BE:DA:17",
      "server": "defconf",
      "status": "bound",
      "dynamic": true,
      "hostName": "DESKTOP-7H3K2LQ",
      "comment": null,
      "lastSeen": 20,
      "expiresAfter": 213
    },
    {
      "id": "*9",
      "address": "192.168.88.109",
      "macAddress": "D0:94:66:86:05:E8",
      "server": "defconf",
      "status": "bound",
      "dynamic": true,
      "hostName": "LAPTOP-KIDS",
      "comment": null,
      "lastSeen": 81,
      "expiresAfter": 1327
    },
    {
      "id": "*A",
      "address": "192.168.88.110",
      "macAddress": "64:BC:0C:2C:7A:A0",
      "server": "defconf",
      "status": "bound",
      "dynamic": true,
      "hostName": "LGwebOSTV",
      "comment": null,
      "lastSeen": 58,
      "expiresAfter": 1017
    },
    {
      "id": "*B",
      "address": "192.168.88.111",
      "macAddress": "F4:F5:D8:18:27:93",
      "server": "defconf",
      "status": "bound",
      "dynamic": true,
      "hostName": "Chromecast",
      "comment": null,
      "lastSeen": 22,
      "expiresAfter": 1069
    },
    {
      "id": "*C",
      "address": "192.168.88.112",
      "macAddress": "44:65:0D:D2:5F:5E",
      "server": "defconf",
      "status": "bound",
      "dynamic": true,
      "hostName": "Echo-Kitchen",
      "comment": null,
      "lastSeen": 81,
      "expiresAfter": 178
    },
    {
      "id": "*D",
      "address": "192.168.88.113",
      "macAddress": "44:65:0D:1A:E4:AB",
      "server": "defconf",
      "status": "bound",
      "dynamic": true,
      "hostName": "Echo-Bedroom",
      "comment": null,
      "lastSeen": 11,
      "expiresAfter": 828
    },
    {
      "id": "*E",
      "address": "192.168.88.114",
      "macAddress": "48:A6:B8:D4:32:93",
      "server": "defconf",
      "status": "bound",
      "dynamic": true,
      "hostName": "Sonos-Living",
      "comment": null,
      "lastSeen": 48,
      "expiresAfter": 1512
    },
    {
      "id": "*F",
      "address": "192.168.88.115",
      "macAddress": "48:A6:B8:55:6F:A5",
      "server": "defconf",
      "status": "bound",
      "dynamic": true,
      "hostName": "Sonos-Office",
      "comment": null,
      "lastSeen": 54,
      "expiresAfter": 1638
    },
    {
      "id": "*10",
      "address": "192.168.88.116",
      "macAddress": "98:B6:E9:26:B1:A2",
      "server": "defconf",
      "status": "bound",
      "dynamic": true,
      "hostName": "Switch",
      "comment": null,
      "lastSeen": 37,
      "expiresAfter": 222
    },
    {
      "id": "*11",
      "address": "192.168.88.117",
      "macAddress": "FC:0F:E6:15:D3:F3",
      "server": "defconf",
      "status": "bound",
      "dynamic": true,
      "hostName": "PS5",
      "comment": null,
      "lastSeen": 83,
      "expiresAfter": 1534
    },
    {
      "id": "*12",
      "address": "192.168.88.118",
      "macAddress": "24:6F:28:98:7D:D4",
      "server": "defconf",
      "status": "bound",
      "dynamic": true,
      "hostName": "esp32-thermostat",
      "comment": null,
      "lastSeen": 71,
      "expiresAfter": 392
    },
    {
      "id": "*13",
      "address": "192.168.88.119",
      "macAddress": "24:6F:28:9B:9B:71",
      "server": "defconf",
      "status": "bound",
      "dynamic": true,
      "hostName": "esp32-garage",
      "comment": null,
      "lastSeen": 57,
      "expiresAfter": 844
    },
    {
      "id": "*14",
      "address": "192.168.88.120",
      "macAddress": "24:6F:28:62:D8:EC",
      "server": "defconf",
      "status": "bound",
      "dynamic": true,
      "hostName": "shelly-plug-01",
      "comment": null,
      "lastSeen": 5,
      "expiresAfter": 564
    },
    {
      "id": "*15",
      "address": "192.168.88.121",
      "macAddress": "24:6F:28:36:BA:44",
      "server": "defconf",
      "status": "bound",
      "dynamic": true,
      "hostName": "shelly-plug-02",
      "comment": null,
      "lastSeen": 78,
      "expiresAfter": 764
    },
    {
      "id": "*16",
      "address": "192.168.88.122",
      "macAddress": "24:6F:28:E8:DA:0B",
      "server": "defconf",
      "status": "bound",
      "dynamic": true,
      "hostName": "tasmota-4F21",
      "comment": null,
      "lastSeen": 9,
      "expiresAfter": 1720
    },
    {
      "id": "*17",
      "address": "192.168.88.123",
      "macAddress": "64:90:C1:37:E0:5E",
      "server": "defconf",
      "status": "bound",
      "dynamic": true,
      "hostName": "Mi-Robot-Vacuum",
      "comment": null,
      "lastSeen": 5,
      "expiresAfter": 124
    },
    {
      "id": "*18",
      "address": "192.168.88.124",
      "macAddress": "8E:1B:D6:91:67:00",
      "server": "defconf",
      "status": "bound",
      "dynamic": true,
      "hostName": "Galaxy-Tab-A",
      "comment": null,
      "lastSeen": 38,
      "expiresAfter": 436
    },
    {
      "id": "*19",
      "address": "192.168.88.125",
      "macAddress": "82:C2:15:54:32:03",
      "server": "defconf",
      "status": "bound",
      "dynamic": true,
      "hostName": "watch",
      "comment": null,
      "lastSeen": 21,
      "expiresAfter": 645
    },
    {
      "id": "*1A",
      "address": "192.168.88.126",
      "macAddress": "A6:FE:BD:B0:81:BF",
      "server": "defconf",
      "status": "bound",
      "dynamic": true,
      "hostName": null,
      "comment": null,
      "lastSeen": 19,
      "expiresAfter": 863
    },
    {
      "id": "*1B",
      "address": "192.168.88.127",
      "macAddress": "B2:50:89:05:F7:A2",
      "server": "defconf",
      "status": "bound",
      "dynamic": true,
      "hostName": "android-5c1e2f0a9b",
      "comment": null,
      "lastSeen": 10,
      "expiresAfter": 1456
    },
    {
      "id": "*1C",
      "address": "192.168.88.128",
      "macAddress": "B8:27:EB:CD:DD:87",
      "server": "defconf",
      "status": "bound",
      "dynamic": true,
      "hostName": "raspberrypi",
      "comment": null,
      "lastSeen": 38,
      "expiresAfter": 401
    },
    {
      "id": "*1D",
      "address": "192.168.88.129",
      "macAddress": "B8:27:EB:F7:EC:B7",
      "server": "defconf",
      "status": "bound",
      "dynamic": true,
      "hostName": "octopi",
      "comment": null,
      "lastSeen": 72,
      "expiresAfter": 1366
    },
    {
      "id": "*1E",
      "address": "192.168.88.130",
      "macAddress": "44:65:0D:9E:05:3D",
      "server": "defconf",
      "status": "bound",
      "dynamic": true,
      "hostName": "Kindle",
      "comment": null,
      "lastSeen": 2,
      "expiresAfter": 406
    },
    {
      "id": "*1F",
      "address": "192.168.88.131",
      "macAddress": "48:A6:B8:D6:04:9A",
      "server": "defconf",
      "status": "bound",
      "dynamic": true,
      "hostName": "Küche-Lautsprecher",
      "comment": null,
      "lastSeen": 80,
      "expiresAfter": 427
    },
    {
      "id": "*20",
      "address": "192.168.88.132",
      "macAddress": "64:BC:0C:8A:98:2E",
      "server": "defconf",
      "status": "bound",
      "dynamic": true,
      "hostName": "Wohnzimmer 📺",
      "comment": null,
      "lastSeen": 5,
      "expiresAfter": 1483
    },
    {
      "id": "*21",
      "address": "192.168.88.133",
      "macAddress": "3E:E7:18:26:B4:44",
      "server": "defconf",
      "status": "bound",
      "dynamic": true,
      "hostName": "Bob's \"iPad\"",
      "comment": null,
      "lastSeen": 31,
      "expiresAfter": 1566
    },
    {
      "id": "*22",
      "address": "192.168.88.134",
      "macAddress": "A4:C3:F0:F2:A3:48",
      "server": "defconf",
      "status": "bound",
      "dynamic": true,
      "hostName": "back\\slash\\host",
      "comment": null,
      "lastSeen": 84,
      "expiresAfter": 212
    },
    {
      "id": "*23",
      "address": "192.168.88.135",
      "macAddress": "FE:96:35:CF:E4:AC",
      "server": "defconf",
      "status": "bound",
      "dynamic": true,
      "hostName": "line1\nline2",
      "comment": null,
      "lastSeen": 67,
      "expiresAfter": 1684
    },
    {
      "id": "*24",
      "address": "192.168.88.136",
      "macAddress": "FA:26:FE:F3:B9:FD",
      "server": "defconf",
      "status": "bound",
      "dynamic": true,
      "hostName": "</script><script>alert(1)</script>",
      "comment": null,
      "lastSeen": 73,
      "expiresAfter": 253
    },
    {
      "id": "*25",
      "address": "192.168.88.137",
      "macAddress": "50:C7:BF:ED:03:B3",
      "server": "defconf",
      "status": "bound",
      "dynamic": true,
      "hostName": {
        "hex": "6261642dc328ff2d7574663880"
      },
      "comment": null,
      "lastSeen": 27,
      "expiresAfter": 1536
    },
    {
      "id": "*26",
      "address": "192.168.88.138",
      "macAddress": "EE:9C:AF:B1:A3:4F",
      "server": "defconf",
      "status": "bound",
      "dynamic": true,
      "hostName": "label=\"x\"} 1 # {evil}",
      "comment": null,
      "lastSeen": 82,
      "expiresAfter": 400
    },
    {
      "id": "*27",
      "address": "192.168.88.10",
      "macAddress": "00:11:32:ED:E6:61",
      "server": "defconf",
      "status": "bound",
      "dynamic": false,
      "hostName": "nas",
      "comment": "NAS (static)",
      "lastSeen": 58,
      "expiresAfter": 778
    },
    {
      "id": "*28",
      "address": "192.168.88.11",
      "macAddress": "3C:D9:2B:C5:57:78",
      "server": "defconf",
      "status": "bound",
      "dynamic": false,
      "hostName": "printer",
      "comment": "Printer upstairs",
      "lastSeen": 63,
      "expiresAfter": 336
    },
    {
      "id": "*29",
      "address": "192.168.88.12",
      "macAddress": "B8:27:EB:58:97:04",
      "server": "defconf",
      "status": "bound",
      "dynamic": false,
      "hostName": "homeassistant",
      "comment": "Home Assistant",
      "lastSeen": 87,
      "expiresAfter": 481
    },
    {
      "id": "*2A",
      "address": "192.168.88.13",
      "macAddress": "B8:27:EB:4F:15:EA",
      "server": "defconf",
      "status": "bound",
      "dynamic": false,
      "hostName": "pihole",
      "comment": "Pi-hole DNS",
      "lastSeen": 6,
      "expiresAfter": 1041
    },
    {
      "id": "*2B",
      "address": "192.168.88.3",
      "macAddress": "F0:9F:C2:0A:3E:71",
      "server": "defconf",
      "status": "bound",
      "dynamic": false,
      "hostName": "U6-Lite",
      "comment": "AP hallway",
      "lastSeen": 34,
      "expiresAfter": 447
    },
    {
      "id": "*2C",
      "address": "192.168.88.20",
      "macAddress": "44:19:B6:04:CA:F6",
      "server": "defconf",
      "status": "bound",
      "dynamic": false,
      "hostName": "cam-front",
      "comment": "Camera front door",
      "lastSeen": 13,
      "expiresAfter": 671
    },
    {
      "id": "*2D",
      "address": "192.168.88.30",
      "macAddress": "64:BC:0C:AF:E2:3F",
      "server": "defconf",
      "status": "waiting",
      "dynamic": false,
      "hostName": null,
      "comment": "Guest room TV",
      "lastSeen": 274325,
      "expiresAfter": null
    },
    {
      "id": "*2E",
      "address": "192.168.88.31",
      "macAddress": "D0:94:66:6A:5A:6C",
      "server": "defconf",
      "status": "waiting",
      "dynamic": false,
      "hostName": null,
      "comment": "Old laptop",
      "lastSeen": null,
      "expiresAfter": null
    },
    {
      "id": "*2F",
      "address": "192.168.88.32",
      "macAddress": "7C:ED:8D:3D:DC:83",
      "server": "defconf",
      "status": "waiting",
      "dynamic": false,
      "hostName": null,
      "comment": "Xbox (rarely used)",
      "lastSeen": 1296000,
      "expiresAfter": null
    },
    {
      "id": "*30",
      "address": "192.168.88.139",
      "macAddress": "BE:61:D4:A6:20:5C",
      "server": "defconf",
      "status": "bound",
      "dynamic": true,
      "hostName": "iPhone-Grandma",
      "comment": null,
      "lastSeen": 2956,
      "expiresAfter": 711
    },
    {
      "id": "*31",
      "address": "192.168.88.140",
      "macAddress": "42:3B:AE:80:44:6C",
      "server": "defconf",
      "status": "bound",
      "dynamic": true,
      "hostName": "Galaxy-A52",
      "comment": null,
      "lastSeen": 2528,
      "expiresAfter": 823
    },
    {
      "id": "*32",
      "address": "192.168.88.141",
      "macAddress": "44:65:0D:3F:18:E4",
      "server": "defconf",
      "status": "bound",
      "dynamic": true,
      "hostName": "Fire-TV-Stick",
      "comment": null,
      "lastSeen": 2990,
      "expiresAfter": 518
    },
    {
      "id": "*33",
      "address": "192.168.88.142",
      "macAddress": "3C:D9:2B:EB:A8:48",
      "server": "defconf",
      "status": "bound",
      "dynamic": true,
      "hostName": "HP-Laptop",
      "comment": null,
      "lastSeen": 1490,
      "expiresAfter": 596
    },
    {
      "id": "*34",
      "address": "192.168.88.143",
      "macAddress": "CE:61:4F:14:40:C8",
      "server": "defconf",
      "status": "offered",
      "dynamic": true,
      "hostName": "unknown-client",
      "comment": null,
      "lastSeen": 3,
      "expiresAfter": 28
    }
  ],
  "arp": [
    {
      "id": "*1",
      "address": "192.168.88.101",
      "macAddress": "AE:84:4C:BB:BC:AB",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "probe"
    },
    {
      "id": "*2",
      "address": "192.168.88.102",
      "macAddress": "3E:19:D0:B7:99:2B",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "reachable"
    },
    {
      "id": "*3",
      "address": "192.168.88.103",
      "macAddress": "A6:01:78:99:9A:D4",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "reachable"
    },
    {
      "id": "*4",
      "address": "192.168.88.104",
      "macAddress": "BE:D3:7E:1C:84:BD",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "stale"
    },
    {
      "id": "*5",
      "address": "192.168.88.105",
      "macAddress": "4E:DB:1C:C0:0F:A8",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "reachable"
    },
    {
      "id": "*6",
      "address": "192.168.88.106",
      "macAddress": "3C:22:FB:E1:A9:1E",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "stale"
    },
    {
      "id": "*7",
      "address": "192.168.88.107",
      "macAddress": "1E:94:A6:6A:05:AB",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "reachable"
    },
    {
      "id": "*8",
      "address": "192.168.88.108",
      "macAddress": "A4:C3:F0:BE:DA:17",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "reachable"
    },
    {
      "id": "*9",
      "address": "192.168.88.109",
      "macAddress": "D0:94:66:86:05:E8",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "reachable"
    },
    {
      "id": "*A",
      "address": "192.168.88.110",
      "macAddress": "64:BC:0C:2C:7A:A0",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "reachable"
    },
    {
      "id": "*B",
      "address": "192.168.88.111",
      "macAddress": "F4:F5:D8:18:27:93",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "stale"
    },
    {
      "id": "*C",
      "address": "192.168.88.112",
      "macAddress": "44:65:0D:D2:5F:5E",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "probe"
    },
    {
      "id": "*D",
      "address": "192.168.88.113",
      "macAddress": "44:65:0D:1A:E4:AB",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "delay"
    },
    {
      "id": "*E",
      "address": "192.168.88.114",
      "macAddress": "48:A6:B8:D4:32:93",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "reachable"
    },
    {
      "id": "*F",
      "address": "192.168.88.115",
      "macAddress": "48:A6:B8:55:6F:A5",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "reachable"
    },
    {
      "id": "*10",
      "address": "192.168.88.116",
      "macAddress": "98:B6:E9:26:B1:A2",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "probe"
    },
    {
      "id": "*11",
      "address": "192.168.88.117",
      "macAddress": "FC:0F:E6:15:D3:F3",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "probe"
    },
    {
      "id": "*12",
      "address": "192.168.88.118",
      "macAddress": "24:6F:28:98:7D:D4",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "reachable"
    },
    {
      "id": "*13",
      "address": "192.168.88.119",
      "macAddress": "24:6F:28:9B:9B:71",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "reachable"
    },
    {
      "id": "*14",
      "address": "192.168.88.120",
      "macAddress": "24:6F:28:62:D8:EC",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "reachable"
    },
    {
      "id": "*15",
      "address": "192.168.88.121",
      "macAddress": "24:6F:28:36:BA:44",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "reachable"
    },
    {
      "id": "*16",
      "address": "192.168.88.122",
      "macAddress": "24:6F:28:E8:DA:0B",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "reachable"
    },
    {
      "id": "*17",
      "address": "192.168.88.123",
      "macAddress": "64:90:C1:37:E0:5E",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "probe"
    },
    {
      "id": "*18",
      "address": "192.168.88.124",
      "macAddress": "8E:1B:D6:91:67:00",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "delay"
    },
    {
      "id": "*19",
      "address": "192.168.88.125",
      "macAddress": "82:C2:15:54:32:03",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "reachable"
    },
    {
      "id": "*1A",
      "address": "192.168.88.126",
      "macAddress": "A6:FE:BD:B0:81:BF",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "reachable"
    },
    {
      "id": "*1B",
      "address": "192.168.88.127",
      "macAddress": "B2:50:89:05:F7:A2",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "probe"
    },
    {
      "id": "*1C",
      "address": "192.168.88.128",
      "macAddress": "B8:27:EB:CD:DD:87",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "reachable"
    },
    {
      "id": "*1D",
      "address": "192.168.88.129",
      "macAddress": "B8:27:EB:F7:EC:B7",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "stale"
    },
    {
      "id": "*1E",
      "address": "192.168.88.130",
      "macAddress": "44:65:0D:9E:05:3D",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "probe"
    },
    {
      "id": "*1F",
      "address": "192.168.88.131",
      "macAddress": "48:A6:B8:D6:04:9A",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "reachable"
    },
    {
      "id": "*20",
      "address": "192.168.88.132",
      "macAddress": "64:BC:0C:8A:98:2E",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "delay"
    },
    {
      "id": "*21",
      "address": "192.168.88.133",
      "macAddress": "3E:E7:18:26:B4:44",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "reachable"
    },
    {
      "id": "*22",
      "address": "192.168.88.134",
      "macAddress": "A4:C3:F0:F2:A3:48",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "reachable"
    },
    {
      "id": "*23",
      "address": "192.168.88.135",
      "macAddress": "FE:96:35:CF:E4:AC",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "reachable"
    },
    {
      "id": "*24",
      "address": "192.168.88.136",
      "macAddress": "FA:26:FE:F3:B9:FD",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "reachable"
    },
    {
      "id": "*25",
      "address": "192.168.88.137",
      "macAddress": "50:C7:BF:ED:03:B3",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "reachable"
    },
    {
      "id": "*26",
      "address": "192.168.88.138",
      "macAddress": "EE:9C:AF:B1:A3:4F",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "stale"
    },
    {
      "id": "*27",
      "address": "192.168.88.10",
      "macAddress": "00:11:32:ED:E6:61",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "reachable"
    },
    {
      "id": "*28",
      "address": "192.168.88.11",
      "macAddress": "3C:D9:2B:C5:57:78",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "reachable"
    },
    {
      "id": "*29",
      "address": "192.168.88.12",
      "macAddress": "B8:27:EB:58:97:04",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "reachable"
    },
    {
      "id": "*2A",
      "address": "192.168.88.13",
      "macAddress": "B8:27:EB:4F:15:EA",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "reachable"
    },
    {
      "id": "*2B",
      "address": "192.168.88.3",
      "macAddress": "F0:9F:C2:0A:3E:71",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "reachable"
    },
    {
      "id": "*2C",
      "address": "192.168.88.20",
      "macAddress": "44:19:B6:04:CA:F6",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": true,
      "status": "reachable"
    },
    {
      "id": "*2D",
      "address": "192.168.88.2",
      "macAddress": "50:C7:BF:E9:90:D7",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": false,
      "status": "reachable"
    },
    {
      "id": "*2E",
      "address": "192.168.88.5",
      "macAddress": "00:C0:B7:27:01:1F",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": false,
      "status": "reachable"
    },
    {
      "id": "*2F",
      "address": "192.168.88.21",
      "macAddress": "44:19:B6:0F:C6:0C",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": false,
      "status": "reachable"
    },
    {
      "id": "*30",
      "address": "192.168.88.50",
      "macAddress": "A4:C3:F0:10:A1:01",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": false,
      "status": "reachable"
    },
    {
      "id": "*31",
      "address": "192.168.88.60",
      "macAddress": "24:6F:28:CE:08:0B",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": false,
      "status": "stale"
    },
    {
      "id": "*32",
      "address": "192.168.88.101",
      "macAddress": "64:90:C1:19:65:EF",
      "interface": "bridge",
      "dynamic": true,
      "dhcp": false,
      "status": "reachable"
    },
    {
      "id": "*33",
      "address": "192.168.88.199",
      "macAddress": null,
      "interface": "bridge",
      "dynamic": true,
      "dhcp": false,
      "status": "failed"
    },
    {
      "id": "*34",
      "address": "192.168.88.198",
      "macAddress": null,
      "interface": "bridge",
      "dynamic": true,
      "dhcp": false,
      "status": "incomplete"
    },
    {
      "id": "*35",
      "address": "100.64.12.1",
      "macAddress": "00:1E:49:8B:1F:C8",
      "interface": "ether1",
      "dynamic": true,
      "dhcp": false,
      "status": "reachable"
    }
  ],
  "bridgeHosts": [
    {
      "id": "*10",
      "macAddress": "98:B6:E9:26:B1:A2",
      "bridge": "bridge",
      "interface": "ether5",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*38",
      "macAddress": "48:8F:5A:1C:22:34",
      "bridge": "bridge",
      "interface": "ether5",
      "dynamic": false,
      "local": true
    },
    {
      "id": "*9",
      "macAddress": "D0:94:66:86:05:E8",
      "bridge": "bridge",
      "interface": "ether4",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*A",
      "macAddress": "64:BC:0C:2C:7A:A0",
      "bridge": "bridge",
      "interface": "ether4",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*31",
      "macAddress": "24:6F:28:CE:08:0B",
      "bridge": "bridge",
      "interface": "ether5",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*3A",
      "macAddress": "48:8F:5A:1C:22:36",
      "bridge": "bridge",
      "interface": "wifi2",
      "dynamic": false,
      "local": true
    },
    {
      "id": "*3B",
      "macAddress": "48:8F:5A:1C:22:31",
      "bridge": "bridge",
      "interface": "bridge",
      "dynamic": false,
      "local": true
    },
    {
      "id": "*F",
      "macAddress": "48:A6:B8:55:6F:A5",
      "bridge": "bridge",
      "interface": "ether3",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*1",
      "macAddress": "AE:84:4C:BB:BC:AB",
      "bridge": "bridge",
      "interface": "wifi1",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*2A",
      "macAddress": "B8:27:EB:4F:15:EA",
      "bridge": "bridge",
      "interface": "ether2",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*12",
      "macAddress": "24:6F:28:98:7D:D4",
      "bridge": "bridge",
      "interface": "wifi2",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*1A",
      "macAddress": "A6:FE:BD:B0:81:BF",
      "bridge": "bridge",
      "interface": "wifi1",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*2E",
      "macAddress": "00:C0:B7:27:01:1F",
      "bridge": "bridge",
      "interface": "ether5",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*E",
      "macAddress": "48:A6:B8:D4:32:93",
      "bridge": "bridge",
      "interface": "ether2",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*1D",
      "macAddress": "B8:27:EB:F7:EC:B7",
      "bridge": "bridge",
      "interface": "ether4",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*27",
      "macAddress": "00:11:32:ED:E6:61",
      "bridge": "bridge",
      "interface": "ether2",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*19",
      "macAddress": "82:C2:15:54:32:03",
      "bridge": "bridge",
      "interface": "wifi2",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*17",
      "macAddress": "64:90:C1:37:E0:5E",
      "bridge": "bridge",
      "interface": "wifi1",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*B",
      "macAddress": "F4:F5:D8:18:27:93",
      "bridge": "bridge",
      "interface": "ether3",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*33",
      "macAddress": "1A:A0:7E:14:43:AD",
      "bridge": "bridge",
      "interface": "wifi1",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*29",
      "macAddress": "B8:27:EB:58:97:04",
      "bridge": "bridge",
      "interface": "ether2",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*32",
      "macAddress": "00:1B:21:00:E1:70",
      "bridge": "bridge",
      "interface": "ether5",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*C",
      "macAddress": "44:65:0D:D2:5F:5E",
      "bridge": "bridge",
      "interface": "ether4",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*22",
      "macAddress": "A4:C3:F0:F2:A3:48",
      "bridge": "bridge",
      "interface": "ether3",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*1F",
      "macAddress": "48:A6:B8:D6:04:9A",
      "bridge": "bridge",
      "interface": "ether5",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*26",
      "macAddress": "EE:9C:AF:B1:A3:4F",
      "bridge": "bridge",
      "interface": "wifi2",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*11",
      "macAddress": "FC:0F:E6:15:D3:F3",
      "bridge": "bridge",
      "interface": "wifi1",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*21",
      "macAddress": "3E:E7:18:26:B4:44",
      "bridge": "bridge",
      "interface": "wifi1",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*34",
      "macAddress": "64:90:C1:19:65:EF",
      "bridge": "bridge",
      "interface": "wifi2",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*16",
      "macAddress": "24:6F:28:E8:DA:0B",
      "bridge": "bridge",
      "interface": "wifi1",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*2D",
      "macAddress": "50:C7:BF:E9:90:D7",
      "bridge": "bridge",
      "interface": "ether4",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*13",
      "macAddress": "24:6F:28:9B:9B:71",
      "bridge": "bridge",
      "interface": "ether3",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*24",
      "macAddress": "FA:26:FE:F3:B9:FD",
      "bridge": "bridge",
      "interface": "wifi1",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*5",
      "macAddress": "4E:DB:1C:C0:0F:A8",
      "bridge": "bridge",
      "interface": "wifi2",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*30",
      "macAddress": "A4:C3:F0:10:A1:01",
      "bridge": "bridge",
      "interface": "ether5",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*14",
      "macAddress": "24:6F:28:62:D8:EC",
      "bridge": "bridge",
      "interface": "wifi2",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*18",
      "macAddress": "8E:1B:D6:91:67:00",
      "bridge": "bridge",
      "interface": "wifi2",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*2",
      "macAddress": "3E:19:D0:B7:99:2B",
      "bridge": "bridge",
      "interface": "wifi1",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*20",
      "macAddress": "64:BC:0C:8A:98:2E",
      "bridge": "bridge",
      "interface": "ether3",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*1E",
      "macAddress": "44:65:0D:9E:05:3D",
      "bridge": "bridge",
      "interface": "ether2",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*1B",
      "macAddress": "B2:50:89:05:F7:A2",
      "bridge": "bridge",
      "interface": "wifi2",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*23",
      "macAddress": "FE:96:35:CF:E4:AC",
      "bridge": "bridge",
      "interface": "wifi2",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*4",
      "macAddress": "BE:D3:7E:1C:84:BD",
      "bridge": "bridge",
      "interface": "wifi2",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*2B",
      "macAddress": "F0:9F:C2:0A:3E:71",
      "bridge": "bridge",
      "interface": "ether5",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*2C",
      "macAddress": "44:19:B6:04:CA:F6",
      "bridge": "bridge",
      "interface": "ether4",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*8",
      "macAddress": "A4:C3:F0:BE:DA:17",
      "bridge": "bridge",
      "interface": "wifi1",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*35",
      "macAddress": "48:8F:5A:1C:22:31",
      "bridge": "bridge",
      "interface": "ether2",
      "dynamic": false,
      "local": true
    },
    {
      "id": "*2F",
      "macAddress": "44:19:B6:0F:C6:0C",
      "bridge": "bridge",
      "interface": "ether5",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*D",
      "macAddress": "44:65:0D:1A:E4:AB",
      "bridge": "bridge",
      "interface": "wifi2",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*7",
      "macAddress": "1E:94:A6:6A:05:AB",
      "bridge": "bridge",
      "interface": "wifi1",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*6",
      "macAddress": "3C:22:FB:E1:A9:1E",
      "bridge": "bridge",
      "interface": "ether2",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*28",
      "macAddress": "3C:D9:2B:C5:57:78",
      "bridge": "bridge",
      "interface": "ether3",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*1C",
      "macAddress": "B8:27:EB:CD:DD:87",
      "bridge": "bridge",
      "interface": "ether4",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*37",
      "macAddress": "48:8F:5A:1C:22:33",
      "bridge": "bridge",
      "interface": "ether4",
      "dynamic": false,
      "local": true
    },
    {
      "id": "*15",
      "macAddress": "24:6F:28:36:BA:44",
      "bridge": "bridge",
      "interface": "ether4",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*25",
      "macAddress": "50:C7:BF:ED:03:B3",
      "bridge": "bridge",
      "interface": "ether4",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*3",
      "macAddress": "A6:01:78:99:9A:D4",
      "bridge": "bridge",
      "interface": "wifi2",
      "dynamic": true,
      "local": false
    },
    {
      "id": "*39",
      "macAddress": "48:8F:5A:1C:22:35",
      "bridge": "bridge",
      "interface": "wifi1",
      "dynamic": false,
      "local": true
    },
    {
      "id": "*36",
      "macAddress": "48:8F:5A:1C:22:32",
      "bridge": "bridge",
      "interface": "ether3",
      "dynamic": false,
      "local": true
    }
  ]
};
