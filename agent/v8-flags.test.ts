import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { agentV8Flags, applyAgentV8Flags } from './v8-flags.js';

describe('applyAgentV8Flags', () => {
  it('sets only flags that V8 accepts after start-up', () => {
    const set: string[] = [];
    applyAgentV8Flags((f) => set.push(f));
    expect(set).toEqual([...agentV8Flags]);
    expect(set).not.toContain('--single-threaded-gc');
  });

  it('leaves a node process that then runs hot code correctly, never optimizing it', () => {
    // A hot loop is optimized at once by default; with the agent's flags %GetOptimizationStatus says it never was.
    const script = `
      const v8 = require('node:v8');
      for (const f of ${JSON.stringify(agentV8Flags)}) v8.setFlagsFromString(f);
      function add(a, b) { return a + b; }
      let s = 0;
      for (let i = 0; i < 2e6; i++) s = add(s, i);
      const status = %GetOptimizationStatus(add);
      process.stdout.write(JSON.stringify({ s, optimized: (status & 16) !== 0 }));`;
    const r = spawnSync(process.execPath, ['--allow-natives-syntax', '-e', script], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ s: 1999999000000, optimized: false });
  });
});
