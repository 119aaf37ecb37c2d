import { describe, expect, test } from 'vitest';
import type { NetworkBuildSummary } from '../runs/network-build.js';
import { formatNetworkBuild } from './network.js';

const summary = (renewal: NetworkBuildSummary['contractRenewal']): NetworkBuildSummary => ({
  jurisdiction: 'demo',
  year: 2026,
  seed: '42:network:2026',
  paramVersion: 'abcdef0123456789',
  asOf: '2027-01-01T00:00:00+08:00',
  referrals: { total: 10, byState: { closed: 9, declined: 1 } },
  alerts: 2,
  teams: 3,
  contracts: 100,
  contractRenewal: renewal,
  services: 300,
  remoteRequests: 40,
  outreachSessions: 50,
  villageDoctors: 20,
  trainingRecords: 30,
  seconds: 1.25,
});

describe('sanyi network build prints', () => {
  test('how many contracts were renewed from last year, signed anew and left to lapse', () => {
    const lines = formatNetworkBuild(summary({ previousYear: 2025, previousBuilt: true, renewed: 90, new: 10, lapsed: 9, nextYearRenewalsMissing: null }));
    expect(lines).toContain('  renewal 续约: 90 renewed from 2025, 10 new, 9 lapsed');
  });

  test('that every contract is new when last year is not built, and how to renew', () => {
    const lines = formatNetworkBuild(summary({ previousYear: 2025, previousBuilt: false, renewed: 0, new: 100, lapsed: 0, nextYearRenewalsMissing: null }));
    expect(lines).toContain('  renewal 续约: 2025 is not built, so every contract is new (build 2025 first to renew its contracts)');
  });

  test('that next year must be rebuilt when its renewals name contracts this build no longer has', () => {
    const lines = formatNetworkBuild(summary({ previousYear: 2025, previousBuilt: true, renewed: 90, new: 10, lapsed: 9, nextYearRenewalsMissing: 4 }));
    expect(lines.join('\n')).toContain('4 renewals of 2027 name contracts this build no longer has: rebuild 2027');
  });
});
