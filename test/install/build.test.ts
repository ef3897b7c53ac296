/** The pieces of `npm run build` that decide whether a single executable can work; the whole build runs in test/e2e/distribution.test.ts. */
import { describe, expect, it } from 'vitest';
import { absentOptionalModules, nonBuiltinRequires } from '../../install/build/bundle.js';
import { seaConfig } from '../../install/build/sea.js';

describe('nonBuiltinRequires', () => {
  it('finds require() calls of packages, ignoring Node built-ins with or without node:', () => {
    const code = 'const a = require("fs"); const b = require("node:path"); const c = require("bindings"); require("fs/promises"); require("bufferutil"); require("bindings");';
    expect(nonBuiltinRequires(code)).toEqual(['bindings', 'bufferutil']);
  });
});

describe('absentOptionalModules', () => {
  it('lists only packages kedge does not install', async () => {
    for (const name of absentOptionalModules) {
      await expect(import(name), name).rejects.toThrow();
    }
  });
});

describe('seaConfig', () => {
  it('embeds the assets and keeps the blob reproducible', () => {
    const c = seaConfig('/b/kedge.cjs', '/b/kedge.blob', { 'install.sh': '/r/install/install.sh' });
    expect(c).toEqual({
      main: '/b/kedge.cjs',
      output: '/b/kedge.blob',
      disableExperimentalSEAWarning: true,
      useSnapshot: false,
      useCodeCache: false,
      assets: { 'install.sh': '/r/install/install.sh' },
    });
  });
});
