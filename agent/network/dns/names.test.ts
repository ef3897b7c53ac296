import { describe, expect, it } from 'vitest';
import { canonicalName, dashedIp, ipOfDashedLabel, ipOfReverseName, isInZone, reverseName } from './names.js';

describe('DNS names', () => {
  it('compares names in lower case without the root dot', () => {
    expect(canonicalName('Web.Default.SVC.cluster.local.')).toBe('web.default.svc.cluster.local');
    expect(isInZone('web.default.svc.cluster.local', 'cluster.local')).toBe(true);
    expect(isInZone('cluster.local', 'cluster.local')).toBe(true);
    expect(isInZone('mycluster.local', 'cluster.local')).toBe(false);
    expect(isInZone('local', 'cluster.local')).toBe(false);
  });

  it('turns addresses into reverse names and back, full IPv4 names only', () => {
    expect(reverseName('10.43.0.1')).toBe('1.0.43.10.in-addr.arpa');
    expect(ipOfReverseName('1.0.43.10.in-addr.arpa')).toBe('10.43.0.1');
    expect(ipOfReverseName('0.43.10.in-addr.arpa')).toBeNull();
    expect(ipOfReverseName('1.0.43.300.in-addr.arpa')).toBeNull();
    expect(ipOfReverseName('01.0.43.10.in-addr.arpa')).toBeNull();
    expect(ipOfReverseName('x.0.43.10.in-addr.arpa')).toBeNull();
    expect(ipOfReverseName('example.org')).toBeNull();
  });

  it('reads dashed addresses of pod names', () => {
    expect(dashedIp('10.42.0.5')).toBe('10-42-0-5');
    expect(ipOfDashedLabel('10-42-0-5')).toBe('10.42.0.5');
    expect(ipOfDashedLabel('10-42-0-256')).toBeNull();
    expect(ipOfDashedLabel('10-42-0')).toBeNull();
    expect(ipOfDashedLabel('web')).toBeNull();
  });
});
