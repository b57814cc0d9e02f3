import { describe, expect, it } from 'vitest';
import { gatewaysOf } from './runtime.js';

describe('gatewaysOf', () => {
  it('maps access points to gateways that exist and have no gateway of their own', () => {
    const routers = [
      { name: 'home', gateway: null },
      { name: 'ap1', gateway: 'home' },
      { name: 'ap2', gateway: 'ap1' }, // a chain: from a router file the config check did not see
      { name: 'ap3', gateway: 'nowhere' },
      { name: 'self', gateway: 'self' },
      { name: 'plain' },
    ];
    expect([...gatewaysOf({ routers })]).toEqual([['ap1', 'home']]);
  });
});
