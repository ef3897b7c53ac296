import { describe, expect, it } from 'vitest';
import type { ConfigMap, Secret } from '../../shared/configmap.js';
import { testPod } from '../reconciler/testing/pod-fixtures.js';
import { configSources } from '../reconciler/sources.js';
import { containerMounts, planPodVolumes } from './plan.js';

const roots = { disk: '/data/pods', memory: '/run/kedge/n/pods' };
const cm: ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: { 'app.conf': 'x=1' }, binaryData: { 'logo.bin': Buffer.from([0, 1, 2]).toString('base64') } };
const secret: Secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'default' }, data: { password: Buffer.from('pw').toString('base64'), user: Buffer.from('u').toString('base64') } };
const sources = configSources([cm], [secret]);

describe('planPodVolumes', () => {
  it('lays out configMap and secret files on the memory root, emptyDir on disk, hostPath as given', () => {
    const pod = testPod('web', {
      spec: {
        volumes: [
          { name: 'cfg', configMap: { name: 'cfg' } },
          { name: 'creds', secret: { secretName: 'db', defaultMode: 0o400, items: [{ key: 'password', path: 'db/pw' }] } },
          { name: 'scratch', emptyDir: {} },
          { name: 'fast', emptyDir: { medium: 'Memory' } },
          { name: 'host', hostPath: { path: '/var/log/', type: 'Directory' } },
        ],
      },
    });
    const v = planPodVolumes(pod, sources, roots);
    expect(v[0]).toEqual({
      name: 'cfg',
      type: 'files',
      dir: '/run/kedge/n/pods/uid-web/cfg',
      files: [
        { path: 'app.conf', mode: 0o644, content: Buffer.from('x=1') },
        { path: 'logo.bin', mode: 0o644, content: Buffer.from([0, 1, 2]) },
      ],
    });
    expect(v[1]).toEqual({ name: 'creds', type: 'files', dir: '/run/kedge/n/pods/uid-web/creds', files: [{ path: 'db/pw', mode: 0o400, content: Buffer.from('pw') }] });
    expect(v[2]).toEqual({ name: 'scratch', type: 'emptyDir', dir: '/data/pods/uid-web/scratch' });
    expect(v[3]).toEqual({ name: 'fast', type: 'emptyDir', dir: '/run/kedge/n/pods/uid-web/fast' });
    expect(v[4]).toEqual({ name: 'host', type: 'hostPath', dir: '/var/log', hostType: 'Directory' });
  });

  it.each([
    [{ name: 'v', configMap: { name: 'nope' } }, 'configmap "nope" not found (volume "v")'],
    [{ name: 'v', secret: { secretName: 'nope' } }, 'secret "nope" not found (volume "v")'],
    [{ name: 'v', secret: { secretName: 'db', items: [{ key: 'nokey', path: 'x' }] } }, 'secret "db" has no key "nokey"'],
    [{ name: 'v', configMap: { name: 'cfg', items: [{ key: 'app.conf', path: '../escape' }] } }, 'must be a relative path'],
    [{ name: 'v', hostPath: { path: 'relative' } }, 'must be absolute'],
  ])('%j fails: %s', (volume, message) => {
    expect(() => planPodVolumes(testPod('p', { spec: { volumes: [volume] } }), sources, roots)).toThrow(message);
  });

  it('an optional missing source is an empty volume', () => {
    const v = planPodVolumes(testPod('p', { spec: { volumes: [{ name: 'v', secret: { secretName: 'nope', optional: true } }] } }), sources, roots);
    expect(v[0]).toMatchObject({ type: 'files', files: [] });
  });

  it('refuses a pod uid that would escape the root', () => {
    const pod = testPod('p', { uid: '..', spec: { volumes: [{ name: 'v', emptyDir: {} }] } });
    expect(() => planPodVolumes(pod, sources, roots)).toThrow(/cannot name a directory/);
  });
});

describe('containerMounts', () => {
  const pod = testPod('web', { spec: { volumes: [{ name: 'cfg', configMap: { name: 'cfg' } }, { name: 'data', emptyDir: {} }] } });
  const volumes = planPodVolumes(pod, sources, roots);

  it('honours readOnly and subPath; configMap and secret volumes are always read-only', () => {
    const c = { name: 'c', image: 'i', volumeMounts: [
      { name: 'cfg', mountPath: '/etc/app' },
      { name: 'cfg', mountPath: '/etc/app.conf', subPath: 'app.conf' },
      { name: 'data', mountPath: '/data/' },
      { name: 'data', mountPath: '/logs', subPath: 'logs', readOnly: true },
    ] };
    expect(containerMounts(c, 0, volumes)).toEqual([
      { source: '/run/kedge/n/pods/uid-web/cfg', destination: '/etc/app', readOnly: true },
      { source: '/run/kedge/n/pods/uid-web/cfg/app.conf', destination: '/etc/app.conf', readOnly: true },
      { source: '/data/pods/uid-web/data', destination: '/data', readOnly: false },
      { source: '/data/pods/uid-web/data/logs', destination: '/logs', readOnly: true },
    ]);
  });

  it('names the field of a bad mount', () => {
    expect(() => containerMounts({ name: 'c', image: 'i', volumeMounts: [{ name: 'nope', mountPath: '/x' }] }, 1, volumes)).toThrow('spec.containers[1].volumeMounts[0].name: volume "nope" is not in spec.volumes');
    expect(() => containerMounts({ name: 'c', image: 'i', volumeMounts: [{ name: 'data', mountPath: '/x', subPath: '../../etc' }] }, 0, volumes)).toThrow(/subPath/);
  });
});
