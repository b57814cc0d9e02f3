import type { RouterSummary } from '../inventory/registry.js';
import type { RouterPollStatus } from '../poller/router-poll-status.js';
import { POLL_ERROR_REASONS } from '../routeros/errors.js';
import { ROUTER_FAMILIES } from './families.js';
import { formatLabels, sampleLine } from './text-format.js';

export function renderRouterFragments(state: RouterPollStatus, summary: RouterSummary): Map<string, string> {
  const router = formatLabels([['router', state.name]]);
  const F = ROUTER_FAMILIES;
  const fragments = new Map<string, string>();
  const put = (name: string, text: string): void => {
    fragments.set(name, (fragments.get(name) ?? '') + text);
  };
  put(F.up.name, sampleLine(F.up.name, router, state.up ? 1 : 0));
  if (state.lastSuccess !== null) put(F.lastSuccess.name, sampleLine(F.lastSuccess.name, router, state.lastSuccess));
  if (state.lastPollDurationSeconds !== null) {
    put(F.pollDuration.name, sampleLine(F.pollDuration.name, router, state.lastPollDurationSeconds));
  }
  for (const reason of POLL_ERROR_REASONS) {
    put(
      F.pollErrors.name,
      sampleLine(
        F.pollErrors.name,
        formatLabels([
          ['router', state.name],
          ['reason', reason],
        ]),
        state.errorsTotal[reason],
      ),
    );
  }
  if (state.system !== null) {
    const labels = formatLabels([
      ['router', state.name],
      ['identity', state.system.identity ?? ''],
      ['version', state.system.version ?? ''],
      ['board', state.system.board ?? ''],
    ]);
    put(F.info.name, sampleLine(F.info.name, labels, 1));
  }
  put(
    F.devices.name,
    sampleLine(
      F.devices.name,
      formatLabels([
        ['router', state.name],
        ['state', 'present'],
      ]),
      summary.present,
    ),
  );
  put(
    F.devices.name,
    sampleLine(
      F.devices.name,
      formatLabels([
        ['router', state.name],
        ['state', 'absent'],
      ]),
      summary.absent,
    ),
  );
  for (const lease of summary.leasesByServerStatus) {
    const labels = formatLabels([
      ['router', state.name],
      ['server', lease.server],
      ['status', lease.status],
    ]);
    put(F.dhcpLeases.name, sampleLine(F.dhcpLeases.name, labels, lease.count));
  }
  put(F.conflicts.name, sampleLine(F.conflicts.name, router, summary.conflicts));
  put(F.rejectedRows.name, sampleLine(F.rejectedRows.name, router, state.rejectedRowsTotal));
  put(F.skippedPolls.name, sampleLine(F.skippedPolls.name, router, state.skippedSlotsTotal));
  put(F.dropped.name, sampleLine(F.dropped.name, router, summary.droppedTotal));
  put(F.forgotten.name, sampleLine(F.forgotten.name, router, summary.forgottenTotal));
  return fragments;
}
