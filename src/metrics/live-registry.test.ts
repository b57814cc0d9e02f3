import { describe, expect, it } from 'vitest';
import { createLiveRegistry } from './live-registry.js';

const errorsLine = (text: string) => text.split('\n').find((line) => line.startsWith('netmon_state_write_errors_total '));

describe('createLiveRegistry', () => {
  it('reuses one rendering for scrapes within maxAgeMs, then renders again', async () => {
    let errors = 1;
    const registry = createLiveRegistry({
      version: '1.2.3',
      stateWrites: () => ({ errorsTotal: errors, lastSuccess: null }),
      maxAgeMs: 200,
    });
    const first = await registry.metrics();
    errors = 5;
    expect(errorsLine(await registry.metrics())).toBe('netmon_state_write_errors_total 1');
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(errorsLine(await registry.metrics())).toBe('netmon_state_write_errors_total 5');
    expect(first).toContain('netmon_build_info{version="1.2.3"');
  });

  it('renders every time with maxAgeMs 0', async () => {
    let errors = 1;
    const registry = createLiveRegistry({
      version: 'x',
      stateWrites: () => ({ errorsTotal: errors, lastSuccess: null }),
      maxAgeMs: 0,
    });
    await registry.metrics();
    errors = 2;
    expect(errorsLine(await registry.metrics())).toBe('netmon_state_write_errors_total 2');
  });
});
