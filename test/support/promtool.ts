import { spawnSync } from 'node:child_process';

/** Runs `promtool check metrics` on an exposition; returns promtool's complaints (empty when clean). */
export function promtoolCheckMetrics(exposition: string): { status: number | null; output: string } {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}
