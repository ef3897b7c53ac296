/** The ctr RuntimeDriver against a private real containerd, with the busybox fixture image. */
import { spawnSync } from 'node:child_process';
import { copyFileSync, createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImageImporter } from '../../agent/images/importer.js';
import { createCtrDriver } from '../../agent/runtime/ctr/ctr-driver.js';
import { containerLabels, type ContainerSpec, type RuntimeDriver, type TaskExit } from '../../agent/runtime/driver.js';
import { KedgeError } from '../../shared/errors.js';
import { containerdSkipReason, startTestContainerd, type TestContainerd } from '../fixtures/containerd.js';
import { buildTestImage } from '../fixtures/image.js';

const skip = containerdSkipReason();
const image = 'docker.io/library/busybox:test';
const epImage = 'docker.io/library/busybox:ep';

async function until<T>(what: string, f: () => Promise<T | undefined | false> | T | undefined | false, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(skip !== null)(`ctr runtime driver on real containerd${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let dir: string;
  let tc: TestContainerd;
  let driver: RuntimeDriver;
  const exits: TaskExit[] = [];
  const log = (name: string): string => join(dir, 'logs', `ns_pod_uid`, name, '0.log');
  const ctr = (...args: string[]): string =>
    spawnSync('ctr', ['-a', tc.address, '-n', 'kedge', ...args], { encoding: 'utf8' }).stdout;
  const spec = (id: string, over: Partial<ContainerSpec> = {}): ContainerSpec => ({
    id,
    image,
    env: {},
    labels: { [containerLabels.node]: 'n1', [containerLabels.container]: id },
    logPath: log(id),
    ...over,
  });
  const exitOf = (id: string) => until(`exit of ${id}`, () => exits.find((e) => e.id === id));
  const taskOf = async (id: string) => (await driver.list({})).find((c) => c.id === id)?.task;

  beforeAll(async () => {
    dir = mkdtempSync('/tmp/kctr-');
    tc = await startTestContainerd(dir);
    driver = createCtrDriver({ address: tc.address, runcRoot: tc.runcRoot });
    driver.onExit((e) => exits.push(e));
    mkdirSync(join(dir, 'build'));
    await buildTestImage({ outFile: join(dir, 'build', 'test.tar') });
    await buildTestImage({ outFile: join(dir, 'build', 'ep.tar'), name: epImage, entrypoint: ['sh', '-c'], cmd: ['echo default'] });
    await pipeline(createReadStream(join(dir, 'build', 'ep.tar')), createGzip(), createWriteStream(join(dir, 'build', 'ep.tar.gz')));
  });

  afterAll(async () => {
    await driver?.close();
    await tc?.cleanup(); // kills tasks first: shims outlive containerd
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reports the containerd version', async () => {
    expect(await driver.version()).toMatch(/^containerd \d+\.\d+\.\d+$/);
  });

  it('imports tarballs (plain and gzip) and knows which images exist', async () => {
    expect(await driver.imageExists('busybox:test')).toBe(false);
    expect(await driver.importImage(join(dir, 'build', 'test.tar'))).toEqual([image]);
    expect(await driver.importImage(join(dir, 'build', 'ep.tar.gz'))).toEqual([epImage]);
    expect(await driver.imageExists('busybox:test')).toBe(true);
    expect(await driver.imageExists(epImage)).toBe(true);
    expect(await driver.imageExists('busybox:nope')).toBe(false);

    writeFileSync(join(dir, 'build', 'broken.tar'), 'this is not a tarball');
    await expect(driver.importImage(join(dir, 'build', 'broken.tar'))).rejects.toThrow(/broken\.tar/);
    await expect(driver.importImage(join(dir, 'build', 'missing.tar'))).rejects.toThrow(/missing\.tar/);
    await expect(driver.importImage(join(dir, 'build', 'image.zip'))).rejects.toThrow(/\.tar/);
  });

  it('imports .tar.zst through the zstd binary, and says so when zstd is missing', async () => {
    writeFileSync(join(dir, 'build', 'any.tar.zst'), 'zstd bytes');
    const noZstd = createCtrDriver({ address: tc.address, zstdPath: join(dir, 'no-zstd') });
    await expect(noZstd.importImage(join(dir, 'build', 'any.tar.zst'))).rejects.toThrow(/any\.tar\.zst.*zstd.*not installed/);
    await noZstd.close();

    await buildTestImage({ outFile: join(dir, 'build', 'zst.tar'), name: 'docker.io/library/busybox:zst' });
    const z = spawnSync('zstd', ['-q', '-f', join(dir, 'build', 'zst.tar'), '-o', join(dir, 'build', 'zst.tar.zst')]);
    expect(z.error, 'the zstd binary is needed to build the .tar.zst (.ci/run installs it)').toBeUndefined();
    expect(await driver.importImage(join(dir, 'build', 'zst.tar.zst'))).toEqual(['docker.io/library/busybox:zst']);
  });

  it('pull errors carry ctr\'s message (only localhost is contacted)', async () => {
    await expect(driver.pullImage('127.0.0.1:1/nothing/here:1')).rejects.toThrow(/pulling image 127\.0\.0\.1:1\/nothing\/here:1 failed: .*(refused|connect)/);
  });

  it('creates a running container with env, labels and a log file, and lists it', async () => {
    await driver.create(spec('c1', {
      command: ['sh', '-c', 'echo hello; echo "$GREETING $SHARED $IMAGE_ONLY"; exec sleep 300'],
      env: { GREETING: 'hi', SHARED: 'spec' },
      labels: { [containerLabels.node]: 'n1', [containerLabels.podName]: 'web', [containerLabels.container]: 'c1' },
    }));
    const mine = await driver.list({ [containerLabels.node]: 'n1', [containerLabels.podName]: 'web' });
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ id: 'c1', image, labels: { [containerLabels.podName]: 'web', [containerLabels.node]: 'n1' } });
    expect(mine[0].task?.status).toBe('running');
    expect(mine[0].task?.pid).toBeGreaterThan(1);
    expect(await driver.list({ [containerLabels.node]: 'other' })).toEqual([]);
    expect(await driver.list({ [containerLabels.node]: 'n1', [containerLabels.podName]: 'other' })).toEqual([]);
    const text = await until('log lines', () => {
      const t = existsSync(log('c1')) ? readFileSync(log('c1'), 'utf8') : '';
      return t.includes('hi spec') ? t : undefined;
    });
    expect(text).toContain('hello\n');
    expect(text).toContain('hi spec from-image\n'); // spec env wins over the image's, image-only env kept
  });

  it('refuses a second container with the same id and cleans up after a failed create', async () => {
    await expect(driver.create(spec('c1'))).rejects.toMatchObject({ code: 'AlreadyExists' });
    await expect(driver.create(spec('noimg', { image: 'busybox:absent' }))).rejects.toThrow(/busybox:absent/);
    await expect(driver.create(spec('badcmd', { command: ['/no/such/binary'] }))).rejects.toThrow(KedgeError);
    const ids = ctr('containers', 'ls', '-q');
    expect(ids).not.toContain('noimg');
    expect(ids).not.toContain('badcmd');
  });

  it('execs with output and exit code', async () => {
    const r = await driver.exec('c1', ['sh', '-c', 'echo x; echo oops >&2; exit 7']);
    expect(r).toEqual({ exitCode: 7, stdout: 'x\n', stderr: 'oops\n' });
    expect((await driver.exec('c1', ['cat', '/proc/1/cmdline'])).stdout).toContain('sleep');
    await expect(driver.exec('nosuch', ['true'])).rejects.toMatchObject({ code: 'NotFound' });
    await expect(driver.exec('c1', ['/no/such/tool'])).rejects.toMatchObject({ code: 'BadRequest' });
    const t0 = Date.now();
    await expect(driver.exec('c1', ['sleep', '30'], 500)).rejects.toMatchObject({ code: 'Timeout' });
    expect(Date.now() - t0).toBeLessThan(5000);
    // exec exits must not look like the container exiting
    expect(exits.filter((e) => e.id === 'c1')).toEqual([]);
  });

  it('reports an exit when the task is killed from outside, and restarts it', async () => {
    const pid = (await taskOf('c1'))!.pid!;
    process.kill(pid, 'SIGKILL');
    const e = await exitOf('c1');
    expect(e.exitCode).toBe(137);
    expect(Date.parse(e.exitedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect((await taskOf('c1'))?.status).toBe('stopped');

    const second = join(dir, 'logs', 'ns_pod_uid', 'c1', '1.log');
    await driver.restart('c1', second);
    expect((await taskOf('c1'))?.status).toBe('running');
    await until('restart log', () => existsSync(second) && readFileSync(second, 'utf8').includes('hello'));
    await expect(driver.restart('c1', second)).rejects.toMatchObject({ code: 'Conflict' });
  });

  it('keeps reporting exits after its ctr events child dies', async () => {
    const find = () => spawnSync('pgrep', ['-f', `${tc.address} -n kedge --connect-timeout 5s events`], { encoding: 'utf8' }).stdout.trim();
    const before = find();
    expect(before).toMatch(/^\d+$/);
    process.kill(Number(before), 'SIGKILL');
    await until('a new events child', () => { const now = find(); return now !== '' && now !== before; });
    await new Promise((r) => setTimeout(r, 300)); // let it subscribe
    await driver.create(spec('quick', { command: ['sh', '-c', 'exit 3'] }));
    expect((await exitOf('quick')).exitCode).toBe(3);
    await driver.remove('quick');
  });

  it('stop() waits the grace for a TERM-ignoring process, then kills it', async () => {
    await driver.create(spec('stubborn', { command: ['sh', '-c', 'trap "echo got-term" TERM; echo ready; while true; do sleep 0.1; done'] }));
    await until('ready', () => existsSync(log('stubborn')) && readFileSync(log('stubborn'), 'utf8').includes('ready'));
    const t0 = Date.now();
    await driver.stop('stubborn', 2);
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(1900);
    expect(took).toBeLessThan(8000);
    expect(readFileSync(log('stubborn'), 'utf8')).toContain('got-term');
    expect((await exitOf('stubborn')).exitCode).toBe(137);
    expect(await taskOf('stubborn')).toBeNull(); // task removed, container kept
    await driver.stop('stubborn', 2); // idempotent
  });

  it('stop() returns as soon as a process exits on TERM', async () => {
    await driver.create(spec('polite', { command: ['sh', '-c', 'trap "exit 0" TERM; echo ready; while true; do sleep 0.1; done'] }));
    await until('ready', () => existsSync(log('polite')) && readFileSync(log('polite'), 'utf8').includes('ready'));
    const t0 = Date.now();
    await driver.stop('polite', 10);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect((await exitOf('polite')).exitCode).toBe(0);
  });

  it('remove() stops if needed and leaves no container; missing ones are fine', async () => {
    await driver.remove('c1');
    await driver.remove('stubborn');
    await driver.remove('polite');
    expect(ctr('containers', 'ls', '-q').trim()).toBe('');
    expect(ctr('tasks', 'ls', '-q').trim()).toBe('');
    await driver.remove('c1');
    await driver.stop('never-existed', 1);
    expect(await driver.list({})).toEqual([]);
  });

  it('follows Kubernetes args-only semantics', async () => {
    // Image Cmd ["sh"], no entrypoint: args alone are the argv.
    await driver.create(spec('args1', { args: ['sh', '-c', 'echo args-only'] }));
    // Image Entrypoint ["sh","-c"]: args replace only its Cmd.
    await driver.create(spec('args2', { image: 'busybox:ep', args: ['echo from-entrypoint'] }));
    // Neither: the image default (Entrypoint + Cmd).
    await driver.create(spec('args3', { image: 'busybox:ep' }));
    for (const [id, want] of [['args1', 'args-only'], ['args2', 'from-entrypoint'], ['args3', 'default']]) {
      expect((await exitOf(id)).exitCode).toBe(0);
      expect(readFileSync(log(id), 'utf8')).toBe(`${want}\n`);
      await driver.remove(id);
    }
  });

  it('applies workingDir, memory and cpu limits', async () => {
    await driver.create(spec('limited', { command: ['sh', '-c', 'pwd; exec sleep 300'], workingDir: '/tmp', memoryLimitBytes: 32 * 1024 * 1024, cpuLimitMillis: 500 }));
    await until('pwd', () => existsSync(log('limited')) && readFileSync(log('limited'), 'utf8') === '/tmp\n');
    const info = JSON.parse(ctr('containers', 'info', 'limited')) as { Spec: { linux: { resources: { memory?: { limit?: number }; cpu?: { quota?: number; period?: number } } } } };
    expect(info.Spec.linux.resources.memory?.limit).toBe(32 * 1024 * 1024);
    const cpu = info.Spec.linux.resources.cpu!;
    expect(cpu.quota! / cpu.period!).toBeCloseTo(0.5);
    await driver.remove('limited');
  });

  it('imports a tarball dropped into the images dir after the importer started', async () => {
    const imagesDir = join(dir, 'images');
    const imported: string[][] = [];
    const importer = createImageImporter({ dir: imagesDir, driver, pollMs: 200, stableMs: 100, onImported: (n) => imported.push(n) });
    await importer.start();
    try {
      await buildTestImage({ outFile: join(dir, 'build', 'v2.tar'), name: 'docker.io/library/busybox:v2' });
      copyFileSync(join(dir, 'build', 'v2.tar'), join(imagesDir, 'busybox-v2.tar'));
      await until('import', () => imported.flat().includes('docker.io/library/busybox:v2'));
      expect(await driver.imageExists('busybox:v2')).toBe(true);
    } finally {
      importer.stop();
    }
  });
});
