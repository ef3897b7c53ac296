import { describe, expect, it } from 'vitest';
import { describeFailure, runProcess, startProcess } from './run-process.js';

describe('runProcess', () => {
  it('collects stdout, stderr and the exit code', async () => {
    const r = await runProcess('sh', ['-c', 'echo out; echo err >&2; exit 3']);
    expect(r).toEqual({ stdout: 'out\n', stderr: 'err\n', exitCode: 3, signal: null, timedOut: false });
  });

  it('feeds input on stdin and closes it', async () => {
    const r = await runProcess('cat', [], { input: 'a\nb\n' });
    expect(r.stdout).toBe('a\nb\n');
    expect(r.exitCode).toBe(0);
  });

  it('gives the child exactly the environment asked for', async () => {
    const r = await runProcess('/bin/sh', ['-c', 'echo "$A|${HOME-unset}"'], { env: { A: 'x' } });
    expect(r.stdout).toBe('x|unset\n');
  });

  it('survives a child that exits without reading a large input', async () => {
    const r = await runProcess('sh', ['-c', 'exit 0'], { input: 'x'.repeat(1 << 20) });
    expect(r.exitCode).toBe(0);
  });

  it('reports a command that cannot start instead of throwing', async () => {
    const r = await runProcess('/nonexistent/kedge-ctr', ['version']);
    expect(r.exitCode).toBeNull();
    expect(r.spawnError?.code).toBe('ENOENT');
    expect(describeFailure('/nonexistent/kedge-ctr', r)).toMatch(/cannot run \/nonexistent\/kedge-ctr: .*ENOENT/);
  });

  it('kills on timeout with SIGTERM, then SIGKILL when TERM is ignored', async () => {
    const t0 = Date.now();
    const r = await runProcess('sleep', ['10'], { timeoutMs: 50 });
    expect(r).toMatchObject({ timedOut: true, signal: 'SIGTERM', exitCode: null });
    expect(Date.now() - t0).toBeLessThan(5000);
    const stubborn = await runProcess('sh', ['-c', 'trap "" TERM; while :; do sleep 0.05; done'], { timeoutMs: 50, killAfterMs: 100 });
    expect(stubborn).toMatchObject({ timedOut: true, signal: 'SIGKILL' });
    expect(describeFailure('sh', stubborn)).toBe('sh was killed by SIGKILL');
  });

  it('leaves stdin and stdout to the caller when asked', async () => {
    const p = startProcess('cat', [], { stdin: 'pipe', collectStdout: false });
    let piped = '';
    p.child.stdout!.on('data', (d: Buffer) => (piped += d.toString()));
    p.child.stdin!.end('streamed');
    const r = await p.done;
    expect(piped).toBe('streamed');
    expect(r.stdout).toBe('');
    expect(r.exitCode).toBe(0);
  });
});
