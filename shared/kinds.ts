import type { z } from 'zod';
import { configMapSchema, secretSchema } from './configmap.js';
import { daemonSetSchema } from './daemonset.js';
import { deploymentSchema } from './deployment.js';
import { endpointSliceSchema, endpointsSchema } from './endpoints.js';
import { eventSchema } from './event.js';
import { replicaSetSchema } from './replicaset.js';
import { namespaceSchema } from './namespace.js';
import { nodeSchema } from './node.js';
import { podSchema } from './pod.js';
import { serviceSchema } from './service.js';

/** What the API and the CLI know about each kind kedge serves. */
export interface KindInfo {
  kind: string;
  /** "" for the core group. */
  group: string;
  version: string;
  apiVersion: string;
  plural: string;
  singular: string;
  shortNames: string[];
  namespaced: boolean;
  schema: z.ZodType;
}

export const kinds: KindInfo[] = [
  { kind: 'Namespace', group: '', version: 'v1', apiVersion: 'v1', plural: 'namespaces', singular: 'namespace', shortNames: ['ns'], namespaced: false, schema: namespaceSchema },
  { kind: 'Node', group: '', version: 'v1', apiVersion: 'v1', plural: 'nodes', singular: 'node', shortNames: ['no'], namespaced: false, schema: nodeSchema },
  { kind: 'Pod', group: '', version: 'v1', apiVersion: 'v1', plural: 'pods', singular: 'pod', shortNames: ['po'], namespaced: true, schema: podSchema },
  { kind: 'Deployment', group: 'apps', version: 'v1', apiVersion: 'apps/v1', plural: 'deployments', singular: 'deployment', shortNames: ['deploy'], namespaced: true, schema: deploymentSchema },
  { kind: 'ReplicaSet', group: 'apps', version: 'v1', apiVersion: 'apps/v1', plural: 'replicasets', singular: 'replicaset', shortNames: ['rs'], namespaced: true, schema: replicaSetSchema },
  { kind: 'DaemonSet', group: 'apps', version: 'v1', apiVersion: 'apps/v1', plural: 'daemonsets', singular: 'daemonset', shortNames: ['ds'], namespaced: true, schema: daemonSetSchema },
  { kind: 'ConfigMap', group: '', version: 'v1', apiVersion: 'v1', plural: 'configmaps', singular: 'configmap', shortNames: ['cm'], namespaced: true, schema: configMapSchema },
  { kind: 'Secret', group: '', version: 'v1', apiVersion: 'v1', plural: 'secrets', singular: 'secret', shortNames: [], namespaced: true, schema: secretSchema },
  { kind: 'Event', group: '', version: 'v1', apiVersion: 'v1', plural: 'events', singular: 'event', shortNames: ['ev'], namespaced: true, schema: eventSchema },
  { kind: 'Service', group: '', version: 'v1', apiVersion: 'v1', plural: 'services', singular: 'service', shortNames: ['svc'], namespaced: true, schema: serviceSchema },
  { kind: 'Endpoints', group: '', version: 'v1', apiVersion: 'v1', plural: 'endpoints', singular: 'endpoints', shortNames: ['ep'], namespaced: true, schema: endpointsSchema },
  { kind: 'EndpointSlice', group: 'discovery.k8s.io', version: 'v1', apiVersion: 'discovery.k8s.io/v1', plural: 'endpointslices', singular: 'endpointslice', shortNames: [], namespaced: true, schema: endpointSliceSchema },
];

export function kindByName(kind: string): KindInfo | undefined {
  return kinds.find((k) => k.kind === kind);
}

/** Resolves what a user types: "pods", "pod", "po", "Pod", "deploy", "deployments.apps", "endpointslices.v1.discovery.k8s.io". */
export function resolveKind(word: string): KindInfo | undefined {
  const w = word.toLowerCase();
  const named = (k: KindInfo, name: string) => k.plural === name || k.singular === name || k.kind.toLowerCase() === name || k.shortNames.includes(name);
  const suffixes = (k: KindInfo) => (k.group ? [`.${k.group}`, `.${k.version}.${k.group}`, `.${k.group}/${k.version}`] : [`.${k.version}`]);
  return kinds.find((k) => named(k, w)) ?? kinds.find((k) => suffixes(k).some((x) => w.endsWith(x) && named(k, w.slice(0, -x.length))));
}

/** The URL path of a collection or an object. */
export function resourcePath(info: KindInfo, namespace?: string, name?: string): string {
  const base = info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
  const ns = info.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${ns}/${info.plural}${name ? `/${encodeURIComponent(name)}` : ''}`;
}
