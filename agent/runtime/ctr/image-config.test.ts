import { describe, expect, it } from 'vitest';
import { pickManifest, platformOf } from './image-config.js';

const d = (architecture: string, variant?: string, os = 'linux') => ({ digest: `sha256:${architecture}${variant ?? ''}${os}`, platform: { architecture, os, ...(variant ? { variant } : {}) } });

describe('pickManifest', () => {
  const index = [d('amd64', undefined, 'windows'), d('amd64'), d('arm', 'v6'), d('arm', 'v7'), d('arm64', 'v8')];
  it('picks linux/<arch>, preferring the exact variant', () => {
    expect(pickManifest(index, { architecture: 'amd64' })?.digest).toBe('sha256:amd64linux');
    expect(pickManifest(index, { architecture: 'arm', variant: 'v7' })?.digest).toBe('sha256:armv7linux');
    expect(pickManifest(index, { architecture: 'arm64' })?.digest).toBe('sha256:arm64v8linux');
    expect(pickManifest([d('arm', 'v6')], { architecture: 'arm', variant: 'v7' })?.digest).toBe('sha256:armv6linux');
    expect(pickManifest(index, { architecture: 'riscv64' })).toBeUndefined();
  });
  it('maps node arch names to OCI ones', () => {
    expect(platformOf('x64')).toEqual({ architecture: 'amd64' });
    expect(platformOf('arm')).toEqual({ architecture: 'arm', variant: 'v7' });
  });
});
