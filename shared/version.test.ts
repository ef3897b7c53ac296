import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kedgeVersion, kubeGitVersion, kubeVersion } from './version.js';

describe('version', () => {
  it("is package.json's, everywhere kedge reports it", () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(kedgeVersion).toBe(version);
    expect(kubeVersion.gitVersion).toBe(`v${kubeVersion.major}.${kubeVersion.minor}.0+kedge-${version}`);
    expect(kubeGitVersion('9.8.7')).toBe(`v${kubeVersion.major}.${kubeVersion.minor}.0+kedge-9.8.7`);
  });
});
