import { describe, it, expect } from 'vitest';
import { createFakeTimers } from '../../probes/testing/fake-timers.js';
import { createFakeDriver } from './driver.js';
import type { TaskExit } from '../driver.js';

const spec = (id: string, labels: Record<string, string>) => ({ id, image: 'img:1', env: {}, labels, logPath: `/logs/${id}.log` });

describe('fake runtime driver', () => {
  it('behaves like a runtime: needs the image, lists by label, reports exits, restarts and removes', async () => {
    const d = createFakeDriver({ now: () => Date.UTC(2024, 0, 1) });
    await expect(d.create(spec('a', { node: 'n1' }))).rejects.toThrow(/image img:1 not found/);
    d.images.add('img:1');
    await d.create(spec('a', { node: 'n1' }));
    await d.create(spec('b', { node: 'n2' }));
    await expect(d.create(spec('a', { node: 'n1' }))).rejects.toThrow(/already exists/);
    expect((await d.list({ node: 'n1' })).map((c) => c.id)).toEqual(['a']);

    const exits: TaskExit[] = [];
    const off = d.onExit((e) => exits.push(e));
    d.exit('a', 3);
    expect(exits).toEqual([{ id: 'a', exitCode: 3, exitedAt: '2024-01-01T00:00:00.000Z' }]);
    expect((await d.list({ node: 'n1' }))[0]!.task?.status).toBe('stopped');
    await d.restart('a', '/logs/a-1.log');
    expect(d.containers.get('a')!.logPaths).toEqual(['/logs/a.log', '/logs/a-1.log']);
    await d.stop('a', 5);
    expect(exits.at(-1)?.exitCode).toBe(143);
    off();
    await d.remove('a');
    expect(d.containers.has('a')).toBe(false);
    expect(d.calls).toEqual(['create a', 'create a', 'create b', 'create a', 'restart a', 'stop a 5', 'remove a']);
  });

  it('fails on request and pulls only what its registry holds', async () => {
    const d = createFakeDriver();
    d.failNext('pull', 'network is down');
    await expect(d.pullImage('img:1')).rejects.toThrow('network is down');
    await d.pullImage('img:1');
    expect(await d.imageExists('img:1')).toBe(true);
    d.registry = new Set(['img:2']);
    await expect(d.pullImage('img:3')).rejects.toThrow(/not found/);
    d.tarballs.set('/images/app.tar', ['docker.io/library/app:1']);
    expect(await d.importImage('/images/app.tar')).toEqual(['docker.io/library/app:1']);
    expect(await d.imageExists('docker.io/library/app:1')).toBe(true);
  });

  it('stop(): a process with its own SIGTERM answer exits within the grace period or gets SIGKILL at its end', async () => {
    const timers = createFakeTimers();
    const d = createFakeDriver({ now: timers.now, setTimer: timers.deps.setTimer });
    d.images.add('img:1');
    for (const id of ['trap', 'stubborn', 'forced']) await d.create(spec(id, {}));
    const exits: TaskExit[] = [];
    d.onExit((e) => exits.push(e));
    d.sigterm.set('trap', 6_000);
    d.sigterm.set('stubborn', 'ignore');
    d.sigterm.set('forced', 6_000);
    const t0 = timers.now();
    const trap = d.stop('trap', 30);
    const stubborn = d.stop('stubborn', 10);
    const forced = d.stop('forced', 0);
    await timers.advance(6_000);
    await trap;
    await forced;
    expect(exits.map((e) => [e.id, e.exitCode])).toEqual([['forced', 137], ['trap', 0]]);
    await timers.advance(4_000);
    await stubborn;
    expect(exits.at(-1)).toMatchObject({ id: 'stubborn', exitCode: 137 });
    expect(d.signals).toEqual([
      { id: 'trap', signal: 'SIGTERM', at: t0 },
      { id: 'stubborn', signal: 'SIGTERM', at: t0 },
      { id: 'forced', signal: 'SIGKILL', at: t0 },
      { id: 'stubborn', signal: 'SIGKILL', at: t0 + 10_000 },
    ]);
  });
});
