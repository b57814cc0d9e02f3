/**
 * The metric names dashboards and rules may use: docs/metrics.md's tables
 * (the contract), the router counters and state-persistence metrics the exporter adds, and
 * the series Prometheus itself writes for every target. The e2e test also
 * checks each name used by a dashboard against a live exporter.
 */
export const CONTRACT_METRICS = [
  'netmon_device_present',
  'netmon_device_last_seen_timestamp_seconds',
  'netmon_device_first_seen_timestamp_seconds',
  'netmon_device_dhcp_lease_expiry_timestamp_seconds',
  'netmon_device_info',
  'netmon_router_up',
  'netmon_router_last_success_timestamp_seconds',
  'netmon_router_poll_duration_seconds',
  'netmon_router_poll_errors_total',
  'netmon_router_info',
  'netmon_devices',
  'netmon_dhcp_leases',
  'netmon_address_conflicts',
  'netmon_build_info',
  // Device depth.
  'netmon_device_wifi_signal_dbm',
  'netmon_device_wifi_tx_rate_bytes_per_second',
  'netmon_device_wifi_rx_rate_bytes_per_second',
  'netmon_device_wifi_connected_since_timestamp_seconds',
  'netmon_device_wifi_info',
  'netmon_device_traffic_bytes_total',
  'netmon_dhcp_pool_addresses',
  'netmon_dhcp_pool_used_addresses',
] as const;

/** Counters the exporter adds per router beyond the contract's table. */
export const ROUTER_COUNTERS = [
  'netmon_router_rejected_rows_total',
  'netmon_router_skipped_polls_total',
  'netmon_devices_dropped_total',
  'netmon_devices_forgotten_total',
] as const;

/** Per router and device-depth source (wifi, traffic, ipv6, pools): whether it is read, and its rows. */
export const SOURCE_METRICS = ['netmon_router_source_available', 'netmon_router_source_rows'] as const;

export const STATE_METRICS = ['netmon_state_write_errors_total', 'netmon_state_last_write_success_timestamp_seconds'] as const;

export const PROMETHEUS_TARGET_SERIES = ['up', 'scrape_duration_seconds'] as const;

/** Series the recording rules of alerting/rules.yml write into Prometheus. */
export const RECORDED_SERIES = ['device:netmon_device_present:watched'] as const;

export const KNOWN_METRICS: ReadonlySet<string> = new Set([
  ...CONTRACT_METRICS,
  ...ROUTER_COUNTERS,
  ...SOURCE_METRICS,
  ...STATE_METRICS,
  ...PROMETHEUS_TARGET_SERIES,
  ...RECORDED_SERIES,
]);
