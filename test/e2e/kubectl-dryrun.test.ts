import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KObject } from '../../shared/meta.js';
import { kedge, tempDir } from './cluster.js';
import { startServerOnly, type ServerOnly } from './server-only.js';

/** The kubectl to test with ($KUBECTL, else the one on PATH); the server needs no nodes here, only its API. */
const kubectlBin = process.env.KUBECTL ?? 'kubectl';
const hasKubectl = spawnSync(kubectlBin, ['version', '--client'], { encoding: 'utf8' }).status === 0;
const skip = process.platform !== 'linux' ? 'needs Linux' : hasKubectl ? null : `no kubectl binary (${kubectlBin}); install kubectl or set KUBECTL`;

type Deployment = KObject & { spec: { replicas: number; template: { spec: { containers: { image: string }[] } } } };

function deployment(name: string, image: string, replicas: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: { app: ${name} }
  template:
    metadata:
      labels: { app: ${name} }
    spec:
      containers:
        - name: main
          image: ${image}
`;
}

describe.skipIf(skip !== null)(`kubectl --dry-run=server, explain and auth can-i against kedge${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const dir = tempDir('dryrun');
  let srv: ServerOnly;
  let kubeconfig: string;

  const kubectl = (args: string[]) => {
    const r = spawnSync(kubectlBin, ['--cache-dir', join(dir, 'kube-cache'), ...args], { env: { ...process.env, KUBECONFIG: kubeconfig }, encoding: 'utf8', timeout: 60_000 });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
  const ok = (args: string[]) => {
    const r = kubectl(args);
    expect(r.code, `kubectl ${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r.stdout;
  };
  // Read through kubectl too: the blocking kubectl runs would leave this process's idle keep-alive sockets stale.
  const stored = (name: string) => JSON.parse(ok(['get', 'deployment', name, '-o', 'json'])) as Deployment;
  const names = (plural: string) => (JSON.parse(ok(['get', plural, '-o', 'json'])) as { items: KObject[] }).items.map((o) => o.metadata.name);
  /** What a dry run must leave alone: the desired state and its generation (controllers only write status). */
  const desired = (d: Deployment) => ({ spec: d.spec, generation: d.metadata.generation, uid: d.metadata.uid });
  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  beforeAll(async () => {
    srv = await startServerOnly(join(dir, 'server'));
    kubeconfig = join(dir, 'server', 'kedge.yaml');
    ok(['apply', '-f', write('keep.yaml', deployment('keep', 'busybox:v1', 2))]);
  });

  afterAll(async () => {
    await srv?.proc.stop();
    if (!process.env.KEEP_E2E) rmSync(dir, { recursive: true, force: true });
  });

  it('kubectl delete --dry-run=server says so and leaves the Deployment', () => {
    const before = stored('keep');
    expect(ok(['delete', 'deployment', 'keep', '--dry-run=server'])).toBe('deployment.apps "keep" deleted (server dry run)\n');
    expect(desired(stored('keep'))).toEqual(desired(before));
  });

  it('kubectl create configmap --dry-run=server -o yaml prints the would-be object and stores nothing', () => {
    const out = ok(['create', 'configmap', 'x', '--from-literal=a=b', '--dry-run=server', '-o', 'yaml']);
    expect(out).toContain('name: x');
    expect(out).toContain('a: b');
    expect(out).toMatch(/uid: \S+/);
    expect(out).not.toContain('resourceVersion');
    expect(names('configmaps')).not.toContain('x');
    // The same checks as a real create: a namespace that does not exist.
    const ghost = kubectl(['create', 'configmap', 'y', '-n', 'ghost', '--from-literal=a=b', '--dry-run=server']);
    expect(ghost.code).not.toBe(0);
    expect(ghost.stderr).toContain('namespaces "ghost" not found');
  });

  it('kubectl apply --dry-run=server (client- and server-side) shows the change and leaves the stored object as it was', () => {
    const before = stored('keep');
    const file = write('keep-v2.yaml', deployment('keep', 'busybox:v2', 5));
    expect(ok(['apply', '-f', file, '--dry-run=server'])).toBe('deployment.apps/keep configured (server dry run)\n');
    const shown = JSON.parse(ok(['apply', '-f', file, '--dry-run=server', '-o', 'json'])) as Deployment;
    expect(shown.spec.replicas).toBe(5);
    expect(shown.spec.template.spec.containers[0]!.image).toBe('busybox:v2');
    expect(ok(['apply', '--server-side', '--force-conflicts', '-f', file, '--dry-run=server'])).toBe('deployment.apps/keep serverside-applied (server dry run)\n');
    expect(ok(['replace', '-f', file, '--dry-run=server'])).toBe('deployment.apps/keep replaced (server dry run)\n');
    expect(desired(stored('keep'))).toEqual(desired(before));
    // A dry run of a new object creates nothing either.
    expect(ok(['apply', '-f', write('new.yaml', deployment('new', 'busybox:v1', 1)), '--dry-run=server'])).toBe('deployment.apps/new created (server dry run)\n');
    expect(names('deployments')).toEqual(['keep']);
  });

  it('kubectl scale --dry-run=server leaves the replicas as they are', () => {
    const before = stored('keep');
    expect(ok(['scale', 'deployment', 'keep', '--replicas=7', '--dry-run=server'])).toBe('deployment.apps/keep scaled (server dry run)\n');
    expect(desired(stored('keep'))).toEqual(desired(before));
    expect(before.spec.replicas).toBe(2);
  });

  it('kedge apply and delete --dry-run=server: checked by the server, nothing stored', () => {
    const env = { KUBECONFIG: kubeconfig };
    const before = stored('keep');
    const applied = kedge(['apply', '-f', join(dir, 'keep-v2.yaml'), '--dry-run=server'], env);
    expect(applied.stdout).toBe('deployment.apps/keep configured (server dry run)\n');
    const deleted = kedge(['delete', 'deploy', 'keep', '--dry-run=server'], env);
    expect(deleted.stdout).toBe('deployment.apps "keep" deleted (server dry run)\n');
    expect(desired(stored('keep'))).toEqual(desired(before));
    const client = kedge(['apply', '-f', join(dir, 'keep-v2.yaml'), '--dry-run=client'], env);
    expect(client.code).not.toBe(0);
    expect(client.stderr).toContain('--dry-run: "client" is not supported');
  });

  it('kubectl explain prints the kind and its fields with their descriptions', () => {
    const replicas = ok(['explain', 'deployment.spec.replicas']);
    expect(replicas).toContain('KIND:       Deployment');
    expect(replicas).toContain('FIELD: replicas <integer>');
    expect(replicas).toContain('Number of desired pods. Defaults to 1.');
    const pods = ok(['explain', 'pods']);
    expect(pods).toContain('A Pod is one or more containers');
    expect(pods).toMatch(/spec\s+<Object> -required-/);
    const strategy = ok(['explain', '--recursive', 'deployment.spec.strategy']);
    expect(strategy).toContain('How existing pods are replaced by new ones.');
    expect(strategy).toMatch(/rollingUpdate\s+<Object>\n\s+maxSurge\s+<string>/);
    // Every kind served, so kinds added to shared/kinds.ts later are covered too.
    for (const kind of ['namespaces', 'nodes', 'pods', 'deployments', 'replicasets', 'daemonsets', 'configmaps', 'secrets', 'events']) {
      expect(ok(['explain', `${kind}.metadata.name`]), kind).toContain('FIELD: name <string>');
    }
  });

  it('kubectl auth can-i says yes to the admin, lists the rules, and whoami names it', () => {
    expect(ok(['auth', 'can-i', 'create', 'pods'])).toBe('yes\n');
    expect(ok(['auth', 'can-i', 'delete', 'nodes', '--all-namespaces'])).toBe('yes\n');
    const list = ok(['auth', 'can-i', '--list']);
    expect(list).toMatch(/^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]$/m);
    expect(ok(['auth', 'whoami'])).toMatch(/Username\s+kedge-admin/);
  });
});
