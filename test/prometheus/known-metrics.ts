/**
 * The metric names dashboards and rules may use: docs/metrics.md's tables
 * (the contract), the two state-persistence metrics the exporter adds, and
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
] as const;

export const STATE_METRICS = ['netmon_state_write_errors_total', 'netmon_state_last_write_success_timestamp_seconds'] as const;

export const PROMETHEUS_TARGET_SERIES = ['up', 'scrape_duration_seconds'] as const;

export const KNOWN_METRICS: ReadonlySet<string> = new Set([...CONTRACT_METRICS, ...STATE_METRICS, ...PROMETHEUS_TARGET_SERIES]);
