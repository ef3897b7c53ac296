import { describe, expect, it } from 'vitest';
import { classifySans, missingSans, normalizeDns, normalizeIp, parseSubjectAltName, wantedSans } from './sans.js';

describe('SAN handling', () => {
  it.each([
    ['10.0.0.1', '10.0.0.1'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['pi.lan', null],
    ['300.1.1.1', null],
  ])('normalizeIp(%s) = %s', (input, out) => {
    expect(normalizeIp(input)).toBe(out);
  });

  it.each([
    ['Pi.LAN.', 'pi.lan'],
    ['*.example.com', '*.example.com'],
    ['under_score', null],
    ['-bad', null],
    ['', null],
    ['*', null],
  ])('normalizeDns(%s) = %s', (input, out) => {
    expect(normalizeDns(input)).toBe(out);
  });

  it('classifies and deduplicates entries, naming the field for a bad one', () => {
    expect(classifySans(['1.2.3.4', 'a.b', '1.2.3.4', '::1'], '--tls-san')).toEqual({ dns: ['a.b'], ips: ['1.2.3.4', '::1'] });
    expect(() => classifySans(['ok', 'no way'], '--tls-san')).toThrow(/--tls-san: "no way" is neither/);
  });

  it('wants hostname, localhost and every address; warns about an unusable hostname', () => {
    expect(wantedSans('Host1', [], ['127.0.0.1', '::1'])).toEqual({ dns: ['host1', 'localhost'], ips: ['127.0.0.1', '::1'] });
    const logs: string[] = [];
    expect(wantedSans('my_host', [], [], (m) => logs.push(m)).dns).toEqual(['localhost']);
    expect(logs[0]).toMatch(/my_host/);
  });

  it('parses node subjectAltName text and finds what is missing', () => {
    const have = parseSubjectAltName('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(have).toEqual({ dns: ['localhost'], ips: ['127.0.0.1', '::1'] });
    expect(missingSans(have, { dns: ['localhost', 'pi'], ips: ['::1', '10.0.0.2'] })).toEqual(['DNS:pi', 'IP:10.0.0.2']);
    expect(missingSans(have, { dns: ['localhost'], ips: ['::1'] })).toEqual([]);
  });
});
