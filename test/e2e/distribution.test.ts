/**
 * The distribution path end to end: the single executable, copied outside the checkout, runs a
 * server; install.sh, fetched from that server, installs an agent with the binary the server
 * serves (CA pinned by the token); the agent runs a pod on real containerd; an image tarball
 * dropped into its images/ folder is imported and the pod that waited for it starts.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { releasePodNamespaces, removeNodeNetwork } from '../fixtures/node-network.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, type ApiClient } from '../../shared/client.js';
import type { Node } from '../../shared/node.js';
import type { Pod } from '../../shared/pod.js';
import { buildKedge } from '../../install/build/build.js';
import { linuxArch } from '../../server/api/distribution.js';
import { buildTestImage } from '../fixtures/image.js';
import { startTestContainerd, type TestContainerd } from '../fixtures/containerd.js';
import { buildDockerArchive } from '../install/docker-archive.js';
import { e2eSkipReason, freePort, repoRoot, runningTasks, tempDir, waitFor } from './cluster.js';

const skip = e2eSkipReason() ?? (spawnSync('sh', ['-c', 'command -v curl']).status !== 0 ? 'curl is not installed' : null);

const arch = linuxArch();
const waitingImage = '127.0.0.1:1/kedge/airgap:v1'; // a registry on loopback that refuses: the pull fails at once

const pods = `
apiVersion: v1
kind: Pod
metadata: { name: preloaded }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: main
      image: busybox:test
      command: ["sh", "-c", "while true; do sleep 1; done"]
---
apiVersion: v1
kind: Pod
metadata: { name: airgapped }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: main
      image: ${waitingImage}
      command: ["sh", "-c", "while true; do sleep 1; done"]
`;

describe.skipIf(skip !== null)(`distribution: single executable, install.sh from the server, air-gapped images${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let dir: string;
  let exe: string;
  let server: ChildProcess | undefined;
  let serverLog = '';
  let url: string;
  let token: string;
  let kubeconfig: string;
  let client: ApiClient;
  let containerd: TestContainerd;
  const root = () => join(dir, 'root');
  const agentData = () => join(root(), 'var', 'lib', 'kedge', 'agent');
  // The SEA and the scripts it runs see a bare environment: nothing from the checkout or npm.
  const bareEnv = () => ({ PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: dir, KEDGE_CACHE_DIR: join(dir, 'cache') });
  const sea = (args: string[]) => spawnSync(exe, args, { cwd: join(dir, 'outside'), env: bareEnv(), encoding: 'utf8', timeout: 60_000 });

  beforeAll(async () => {
    dir = tempDir('dist');
    // Built once for this file, into the temp dir, then copied where no node_modules can help it.
    const built = await buildKedge(repoRoot, join(dir, 'build'));
    mkdirSync(join(dir, 'outside'));
    exe = join(dir, 'outside', 'kedge');
    copyFileSync(built.binary, exe);
    spawnSync('chmod', ['755', exe]);

    const httpsPort = await freePort();
    const mqttPort = await freePort();
    url = `https://127.0.0.1:${httpsPort}`;
    const serverData = join(dir, 'server');
    server = spawn(exe, ['server', '--data-dir', serverData, '--bind-address', '127.0.0.1', '--https-port', String(httpsPort), '--mqtt-port', String(mqttPort), '--disable-agent'], {
      cwd: join(dir, 'outside'),
      env: bareEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout!.on('data', (d: Buffer) => (serverLog += d.toString()));
    server.stderr!.on('data', (d: Buffer) => (serverLog += d.toString()));
    kubeconfig = join(serverData, 'kedge.yaml');
    await waitFor('the single-executable server to write its token', () => existsSync(kubeconfig) && existsSync(join(serverData, 'token')), 60_000).catch((e) => {
      throw new Error(`${(e as Error).message}\nserver output:\n${serverLog}`);
    });
    token = readFileSync(join(serverData, 'token'), 'utf8').trim();
    client = createApiClient({ server: url, ca: readFileSync(join(serverData, 'tls', 'ca.crt'), 'utf8'), token: readFileSync(join(serverData, 'admin-token'), 'utf8').trim() });
    await waitFor('/readyz', async () => (await client.request<string>('GET', '/readyz')) !== undefined, 30_000);
    containerd = await startTestContainerd(join(dir, 'ctd'));
  });

  afterAll(async () => {
    const uninstall = join(root(), 'usr', 'local', 'bin', 'kedge-uninstall.sh');
    if (dir && existsSync(uninstall)) spawnSync(uninstall, [], { env: bareEnv(), timeout: 60_000 });
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => server!.once('exit', r));
    }
    await containerd?.cleanup();
    // The installed agent ran in this network namespace; an install under a root dir does not undo its pod network.
    releasePodNamespaces(['pi-1']);
    removeNodeNetwork();
    if (dir && !process.env.KEEP_E2E) rmSync(dir, { recursive: true, force: true });
  });

  it('the single executable runs the server and the CLI with no node_modules, its addon cached privately', () => {
    const version = sea(['version', '--kubeconfig', kubeconfig]);
    expect(version.stdout).toMatch(/Client Version: v\d/);
    expect(version.stdout).toMatch(/Server Version: v1\.\d+\.\d+\+kedge/);
    expect(sea(['get', 'namespaces', '--kubeconfig', kubeconfig]).stdout).toMatch(/^default\s/m);
    const cache = join(dir, 'cache');
    const [hash] = readdirSync(cache);
    const addon = join(cache, hash!, 'better_sqlite3.node');
    expect(statSync(cache).mode & 0o777).toBe(0o700);
    expect(statSync(addon).mode & 0o777).toBe(0o700);
    expect(spawnSync('sha256sum', [addon], { encoding: 'utf8' }).stdout.split(' ')[0]).toBe(hash);
  });

  it('serves install.sh without a token and its own binary with the join token', () => {
    const script = spawnSync('curl', ['-sfk', `${url}/install.sh`], { encoding: 'utf8' });
    expect(script.stdout).toBe(readFileSync(join(repoRoot, 'install', 'install.sh'), 'utf8'));
    const auth = ['-H', `Authorization: Bearer ${token}`];
    const sum = spawnSync('curl', ['-sfk', ...auth, `${url}/kedge/v1/download/kedge-linux-${arch}.sha256`], { encoding: 'utf8' }).stdout;
    const local = spawnSync('sha256sum', [exe], { encoding: 'utf8' }).stdout.split(' ')[0];
    expect(sum).toBe(`${local}  kedge-linux-${arch}\n`);
    const noToken = spawnSync('curl', ['-sk', '-o', '/dev/null', '-w', '%{http_code}', `${url}/kedge/v1/download/kedge-linux-${arch}`], { encoding: 'utf8' });
    expect(noToken.stdout).toBe('401');
    const otherArch = spawnSync('curl', ['-sk', ...auth, `${url}/kedge/v1/download/kedge-linux-riscv64`], { encoding: 'utf8' });
    expect(JSON.parse(otherArch.stdout).message).toContain('linux/riscv64');
  });

  /** `curl -sfLk URL/install.sh | sh -` as the README says, with the agent's settings. */
  function installFromServer(extra: Record<string, string>) {
    return spawnSync('sh', ['-c', `curl -sfLk ${url}/install.sh | sh -`], {
      cwd: join(dir, 'outside'),
      env: {
        ...bareEnv(),
        KEDGE_URL: url,
        KEDGE_NODE_NAME: 'pi-1',
        KEDGE_CONTAINERD_ADDRESS: containerd.address,
        INSTALL_KEDGE_ROOT: root(),
        INSTALL_KEDGE_INIT: 'none',
        INSTALL_KEDGE_SKIP_CONTAINERD: 'true',
        ...extra,
      },
      encoding: 'utf8',
      timeout: 120_000,
    });
  }

  it('install.sh refuses a server whose CA is not the one the token names, before sending the token', () => {
    const forged = token.replace(/^K10[0-9a-f]{64}/, 'K10' + '0'.repeat(64));
    const r = installFromServer({ KEDGE_TOKEN: forged });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('is not the one the token names');
    expect(existsSync(join(root(), 'usr', 'local', 'bin', 'kedge'))).toBe(false);
  });

  it('an agent installed by install.sh from the server joins it and runs a pod on real containerd', async () => {
    // An OCI tarball already in images/ before the agent starts is imported at start.
    mkdirSync(join(agentData(), 'images'), { recursive: true });
    await buildTestImage({ outFile: join(agentData(), 'images', 'busybox-test.tar') });
    const r = installFromServer({ KEDGE_TOKEN: token });
    expect(r.stderr).not.toContain('[ERROR]');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('CA matches the token');
    expect(r.stdout).toContain('kedge agent is running as node pi-1');
    const installed = join(root(), 'usr', 'local', 'bin', 'kedge');
    expect(readFileSync(installed).equals(readFileSync(exe))).toBe(true);

    await waitFor('pi-1 Ready', async () => {
      const n = await client.get<Node>('Node', undefined, 'pi-1').catch(() => undefined);
      return n?.status?.conditions?.find((x) => x.type === 'Ready')?.status === 'True';
    }, 30_000).catch((e) => {
      throw new Error(`${(e as Error).message}\nagent log:\n${agentLog()}`);
    });
    writeFileSync(join(dir, 'pods.yaml'), pods);
    const applied = sea(['apply', '-f', join(dir, 'pods.yaml'), '--kubeconfig', kubeconfig]);
    expect(applied.stdout).toContain('pod/preloaded created');
    await waitFor('the preloaded pod Running on pi-1', async () => {
      const p = await client.get<Pod>('Pod', 'default', 'preloaded');
      return p.status?.phase === 'Running' && p.spec.nodeName === 'pi-1';
    }, 60_000).catch((e) => {
      throw new Error(`${(e as Error).message}\nagent log:\n${agentLog()}`);
    });
    expect(runningTasks(containerd.address)).toHaveLength(1);
  });

  it('the pod whose image is missing waits, and starts once a docker-archive .tar.gz is dropped into images/', async () => {
    const waiting = await waitFor('the airgapped pod to wait for its image', async () => {
      const p = await client.get<Pod>('Pod', 'default', 'airgapped');
      const reason = p.status?.containerStatuses?.[0]?.state.waiting?.reason;
      return reason === 'ErrImagePull' || reason === 'ImagePullBackOff' ? reason : undefined;
    }, 60_000).catch((e) => {
      throw new Error(`${(e as Error).message}\nagent log:\n${agentLog()}`);
    });
    expect(['ErrImagePull', 'ImagePullBackOff']).toContain(waiting);
    // Written elsewhere and renamed in, as an administrator copying a file should.
    const staged = join(dir, 'airgap.tar.gz');
    await buildDockerArchive({ name: waitingImage, outFile: staged });
    renameSync(staged, join(agentData(), 'images', 'airgap.tar.gz'));
    await waitFor('the airgapped pod Running', async () => {
      const p = await client.get<Pod>('Pod', 'default', 'airgapped');
      return p.status?.phase === 'Running';
    }, 60_000).catch((e) => {
      throw new Error(`${(e as Error).message}\nagent log:\n${agentLog()}`);
    });
    expect(runningTasks(containerd.address)).toHaveLength(2);
    expect(agentLog()).toContain(`imported ${waitingImage}`);
  });

  it('running install.sh again changes nothing, and uninstall removes the agent and its containers', () => {
    const pidFile = join(root(), 'run', 'kedge-agent.pid');
    const pid = readFileSync(pidFile, 'utf8').trim();
    const again = installFromServer({ KEDGE_TOKEN: token });
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('No change detected');
    expect(readFileSync(pidFile, 'utf8').trim()).toBe(pid);

    const uninstall = spawnSync(join(root(), 'usr', 'local', 'bin', 'kedge-uninstall.sh'), [], { env: bareEnv(), encoding: 'utf8', timeout: 60_000 });
    expect(uninstall.status).toBe(0);
    expect(alive(pid)).toBe(false);
    expect(runningTasks(containerd.address)).toHaveLength(0);
    for (const f of ['usr/local/bin/kedge', 'usr/local/bin/kedge-killall.sh', 'usr/local/bin/kedge-uninstall.sh', 'etc/kedge/kedge-agent.env', 'var/lib/kedge']) {
      expect(existsSync(join(root(), f)), f).toBe(false);
    }
  });

  /** Gone, or a zombie nobody reaped (a container's PID 1 may not reap the orphans it adopts). */
  function alive(pid: string): boolean {
    try {
      return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return false;
    }
  }

  function agentLog(): string {
    try {
      return readFileSync(join(root(), 'var', 'log', 'kedge-agent.log'), 'utf8').slice(-4000);
    } catch {
      return '(no agent log)';
    }
  }
});
