import { describe, it, expect } from 'vitest';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeReportSchema } from '../../shared/messages.js';
import { nodeArch } from './arch.js';
import { nodeAddresses } from './addresses.js';
import { parseCpuModel } from './cpu.js';
import { collectHostFacts } from './host.js';
import { parseMeminfo, readMemory } from './memory.js';
import { parseOsRelease } from './os-image.js';
import { collectReport } from './report.js';
import { readTemperature } from './temperature.js';
import { readDisk } from './disk.js';

async function fakeRoot(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'kedge-fp-'));
  for (const [p, text] of Object.entries(files)) {
    await mkdir(join(root, p, '..'), { recursive: true });
    await writeFile(join(root, p), text);
  }
  return root;
}

describe('fingerprint', () => {
  it('maps node arch names to Kubernetes ones', () => {
    expect(nodeArch('x64')).toBe('amd64');
    expect(nodeArch('arm64')).toBe('arm64');
    expect(nodeArch('arm')).toBe('arm');
  });

  it('reads PRETTY_NAME from os-release', () => {
    expect(parseOsRelease('NAME="Debian GNU/Linux"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n')).toBe('Debian GNU/Linux 12 (bookworm)');
    expect(parseOsRelease('ID=x\n')).toBeNull();
  });

  it('finds the CPU model on x86 and on a Raspberry Pi', () => {
    expect(parseCpuModel('processor\t: 0\nmodel name\t: Intel(R) Xeon(R)\n')).toBe('Intel(R) Xeon(R)');
    expect(parseCpuModel('processor\t: 0\nBogoMIPS\t: 108.00\n\nHardware\t: BCM2835\nModel\t\t: Raspberry Pi 4 Model B Rev 1.4\n')).toBe('Raspberry Pi 4 Model B Rev 1.4');
  });

  it('parses MemAvailable rather than MemFree', async () => {
    const text = 'MemTotal:        3884376 kB\nMemFree:          123456 kB\nMemAvailable:    2000000 kB\n';
    expect(parseMeminfo(text)).toEqual({ total: 3884376 * 1024, available: 2000000 * 1024 });
    expect(await readMemory(await fakeRoot({ 'proc/meminfo': text }))).toEqual({ total: 3884376 * 1024, available: 2000000 * 1024 });
    const fallback = await readMemory(await fakeRoot({}));
    expect(fallback.total).toBeGreaterThan(0);
  });

  it('reports the hottest valid thermal zone, or nothing without sensors', async () => {
    const root = await fakeRoot({
      'sys/class/thermal/thermal_zone0/temp': '48312\n',
      'sys/class/thermal/thermal_zone1/temp': '51234\n',
      'sys/class/thermal/thermal_zone2/temp': '-273000\n',
      'sys/class/thermal/cooling_device0/type': 'fan\n',
    });
    expect(await readTemperature(root)).toBe(51.2);
    expect(await readTemperature(await fakeRoot({}))).toBeUndefined();
  });

  it('lists external addresses, IPv4 first, and falls back to 127.0.0.1', () => {
    const info = (address: string, family: 'IPv4' | 'IPv6', internal = false) =>
      ({ address, family, internal, netmask: '', mac: '', cidr: null, ...(family === 'IPv6' ? { scopeid: 0 } : {}) }) as never;
    expect(nodeAddresses({ lo: [info('127.0.0.1', 'IPv4', true)], eth0: [info('fe80::1', 'IPv6'), info('2001:db8::5', 'IPv6'), info('192.168.1.5', 'IPv4')] })).toEqual([
      '192.168.1.5',
      '2001:db8::5',
      'fe80::1',
    ]);
    expect(nodeAddresses({ lo: [info('127.0.0.1', 'IPv4', true)] })).toEqual(['127.0.0.1']);
  });

  it('measures the disk of the data dir', async () => {
    const d = await readDisk(tmpdir());
    expect(d.total).toBeGreaterThan(0);
    expect(d.free).toBeLessThanOrEqual(d.total);
  });

  it('uses the systeminformation fallback only when os-release is missing', async () => {
    let calls = 0;
    const osInfo = async () => {
      calls++;
      return { distro: 'Alpine Linux', release: '3.20', codename: '' };
    };
    const withRelease = await collectHostFacts({ root: await fakeRoot({ 'etc/os-release': 'PRETTY_NAME="Raspbian GNU/Linux 11 (bullseye)"\n' }), osInfo });
    expect(withRelease.osImage).toBe('Raspbian GNU/Linux 11 (bullseye)');
    expect(calls).toBe(0);
    const without = await collectHostFacts({ root: await fakeRoot({}), osInfo });
    expect(without.osImage).toBe('Alpine Linux 3.20');
    expect(calls).toBe(1);
  });

  it('builds a schema-valid report with the kubernetes.io labels', async () => {
    const root = await fakeRoot({ 'etc/os-release': 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n' });
    const host = await collectHostFacts({ root });
    const r = await collectReport({
      nodeName: 'edge-1',
      dataDir: tmpdir(),
      host,
      containerRuntimeVersion: 'containerd 1.7.0',
      nodeLabels: { zone: 'garage', 'kubernetes.io/hostname': 'spoofed' },
      now: () => Date.UTC(2024, 0, 1),
    });
    expect(nodeReportSchema.parse(r)).toEqual(r);
    expect(r.time).toBe('2024-01-01T00:00:00.000Z');
    expect(r.osImage).toBe('Debian GNU/Linux 12 (bookworm)');
    expect(r.labels).toEqual({ zone: 'garage', 'kubernetes.io/arch': nodeArch(), 'kubernetes.io/os': 'linux', 'kubernetes.io/hostname': 'edge-1' });
    expect(r.cpu.count).toBeGreaterThanOrEqual(1);
  });
});
