import type { FamilyDefinition } from './text-format.js';

/** Every family rendered per poll, in exposition order. Names are a contract with dashboards and rules (docs/metrics.md). */
export const DEVICE_FAMILIES = {
  present: {
    name: 'netmon_device_present',
    help: "1 if the device was seen within presence.timeoutSeconds of its router's last good poll, else 0.",
    type: 'gauge',
  },
  lastSeen: {
    name: 'netmon_device_last_seen_timestamp_seconds',
    help: 'Unix time of the last observation of the device.',
    type: 'gauge',
  },
  firstSeen: {
    name: 'netmon_device_first_seen_timestamp_seconds',
    help: 'Unix time of the first observation of the device.',
    type: 'gauge',
  },
  leaseExpiry: {
    name: 'netmon_device_dhcp_lease_expiry_timestamp_seconds',
    help: "Unix time the device's bound DHCP lease expires.",
    type: 'gauge',
  },
  info: { name: 'netmon_device_info', help: 'Descriptive labels of a device; always 1.', type: 'gauge' },
} as const satisfies Record<string, FamilyDefinition>;

export const ROUTER_FAMILIES = {
  up: { name: 'netmon_router_up', help: '1 if the last poll of the router succeeded, else 0.', type: 'gauge' },
  lastSuccess: {
    name: 'netmon_router_last_success_timestamp_seconds',
    help: 'Unix time of the last successful poll.',
    type: 'gauge',
  },
  pollDuration: { name: 'netmon_router_poll_duration_seconds', help: 'Duration of the last poll of the router.', type: 'gauge' },
  pollErrors: {
    name: 'netmon_router_poll_errors_total',
    help: 'Failed polls by reason (auth, timeout, connection, protocol).',
    type: 'counter',
  },
  info: { name: 'netmon_router_info', help: 'Identity, RouterOS version and board of the router; always 1.', type: 'gauge' },
  devices: { name: 'netmon_devices', help: 'Known devices of the router by state (present, absent).', type: 'gauge' },
  dhcpLeases: { name: 'netmon_dhcp_leases', help: 'DHCP leases by server and status at the last good poll.', type: 'gauge' },
  conflicts: {
    name: 'netmon_address_conflicts',
    help: 'IP addresses claimed by more than one MAC at the last good poll.',
    type: 'gauge',
  },
  rejectedRows: {
    name: 'netmon_router_rejected_rows_total',
    help: 'API rows skipped because a value could not be parsed.',
    type: 'counter',
  },
  skippedPolls: {
    name: 'netmon_router_skipped_polls_total',
    help: 'Poll slots skipped because the previous poll was still running.',
    type: 'counter',
  },
  dropped: {
    name: 'netmon_devices_dropped_total',
    help: 'Unwatched devices dropped because the router exceeded retention.maxDevicesPerRouter.',
    type: 'counter',
  },
  forgotten: {
    name: 'netmon_devices_forgotten_total',
    help: 'Unwatched devices forgotten after retention.forgetAfterDays of absence.',
    type: 'counter',
  },
} as const satisfies Record<string, FamilyDefinition>;

/** Device depth (Wi-Fi, traffic; labels router = the gateway for an access point's clients, mac), pools and sources. */
export const DEPTH_FAMILIES = {
  wifiSignal: { name: 'netmon_device_wifi_signal_dbm', help: 'Last Wi-Fi signal of the device in dBm.', type: 'gauge' },
  // Bytes, not bits: promtool's lint refuses "bits" in a name; 866.6 Mbit/s is 108325000 here.
  wifiTxRate: {
    name: 'netmon_device_wifi_tx_rate_bytes_per_second',
    help: 'Wi-Fi link rate from the access point to the device in bytes per second (the reported bit rate / 8).',
    type: 'gauge',
  },
  wifiRxRate: {
    name: 'netmon_device_wifi_rx_rate_bytes_per_second',
    help: 'Wi-Fi link rate from the device to the access point in bytes per second (the reported bit rate / 8).',
    type: 'gauge',
  },
  wifiConnectedSince: {
    name: 'netmon_device_wifi_connected_since_timestamp_seconds',
    help: "Unix time the device's current Wi-Fi association began.",
    type: 'gauge',
  },
  wifiInfo: {
    name: 'netmon_device_wifi_info',
    help: 'Access point (router name), interface, SSID and band of the device; always 1.',
    type: 'gauge',
  },
  traffic: {
    name: 'netmon_device_traffic_bytes_total',
    help: 'Bytes to (down) and from (up) the device, from kid control or else Wi-Fi counters; resets when the router does.',
    type: 'counter',
  },
  poolAddresses: { name: 'netmon_dhcp_pool_addresses', help: 'Addresses in the IP pool.', type: 'gauge' },
  poolUsed: { name: 'netmon_dhcp_pool_used_addresses', help: 'Addresses of the IP pool in use.', type: 'gauge' },
  sourceAvailable: {
    name: 'netmon_router_source_available',
    help: 'Whether a device-depth source (wifi, traffic, ipv6, pools) is on and the router has its menu; 1 or 0.',
    type: 'gauge',
  },
  sourceRows: {
    name: 'netmon_router_source_rows',
    help: "Rows read from a device-depth source's tables at the last good poll.",
    type: 'gauge',
  },
} as const satisfies Record<string, FamilyDefinition>;

export const SNAPSHOT_FAMILIES: ReadonlyArray<FamilyDefinition> = [
  ...Object.values(DEVICE_FAMILIES),
  ...Object.values(DEPTH_FAMILIES),
  ...Object.values(ROUTER_FAMILIES),
];
