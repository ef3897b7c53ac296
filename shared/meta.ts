import { z } from 'zod';

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Object names: DNS-1123 subdomains, as in Kubernetes. */
export const nameSchema = z
  .string()
  .max(253, 'must be no more than 253 characters')
  .regex(dns1123Subdomain, "must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character");

/** Namespaces and container names: DNS-1123 labels. */
export const labelNameSchema = z
  .string()
  .max(63, 'must be no more than 63 characters')
  .regex(dns1123Label, "must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character");

const labelKey = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export const labelsSchema = z.record(
  z.string().regex(labelKey, 'label keys must be [prefix/]name with alphanumerics, -, _ or .'),
  z.string().max(63).regex(labelValue, 'label values must be 63 characters or less, alphanumerics, -, _ or .'),
);

export const ownerReferenceSchema = z.object({
  apiVersion: z.string().describe('API version of the owner.'),
  kind: z.string().describe('Kind of the owner.'),
  name: z.string().describe('Name of the owner.'),
  uid: z.string().describe('UID of the owner.'),
  controller: z.boolean().optional().describe('True when the owner is the managing controller (at most one owner is).'),
  blockOwnerDeletion: z.boolean().optional().describe('The owner, deleted in the foreground, waits until this object is gone.'),
});
export type OwnerReference = z.infer<typeof ownerReferenceSchema>;

export const objectMetaSchema = z.object({
  name: nameSchema.optional().describe('Unique among objects of the kind in the namespace (or the cluster, for cluster-scoped kinds); cannot be changed.'),
  generateName: z.string().max(243).optional().describe('When name is left out, the server makes a unique one from this prefix and 5 random characters.'),
  namespace: labelNameSchema.optional().describe('The namespace the object lives in, which must exist; cluster-scoped kinds have none.'),
  uid: z.string().optional().describe('Unique in time and space, set by the server when the object is created. Read-only.'),
  resourceVersion: z.string().optional().describe('Opaque version the server sets on every change. An update that sends it fails with a Conflict if the object changed since it was read. Read-only.'),
  generation: z.number().int().optional().describe('Sequence number of the desired state, which the server increments on each change to spec. Read-only.'),
  creationTimestamp: z.string().optional().describe('When the server created the object (RFC 3339, UTC). Read-only.'),
  deletionTimestamp: z.string().optional().describe('When the object is being deleted, the time the server set for its deletion (RFC 3339, UTC). Read-only.'),
  deletionGracePeriodSeconds: z.number().int().optional().describe('Seconds the object was given to go when deletionTimestamp was set (a pod: to stop its containers); only shortened by a later delete. Read-only.'),
  finalizers: z.array(z.string()).optional().describe('What must happen before the object goes once deleted; it stays, with deletionTimestamp, until each entry is removed by whoever did its work.'),
  labels: labelsSchema.optional().describe('Key/value pairs that organize and select objects (label selectors).'),
  annotations: z.record(z.string(), z.string()).optional().describe('Key/value pairs where tools and people keep information; not used to select objects.'),
  ownerReferences: z.array(ownerReferenceSchema).optional().describe('The objects this one belongs to; when every owner is gone, the garbage collector deletes it.'),
});
export type ObjectMeta = z.infer<typeof objectMetaSchema>;

/** The shape every stored object shares. */
export interface KObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: unknown;
  status?: unknown;
}

export const conditionSchema = z.object({
  type: z.string().describe('Type of the condition, such as Ready or Available.'),
  status: z.enum(['True', 'False', 'Unknown']).describe('Status of the condition: True, False or Unknown.'),
  reason: z.string().optional().describe('Machine-readable, CamelCase reason for the last transition.'),
  message: z.string().optional().describe('Human-readable details about the last transition.'),
  lastTransitionTime: z.string().optional().describe('When the status last changed (RFC 3339, UTC).'),
  lastHeartbeatTime: z.string().optional(),
  lastProbeTime: z.string().nullable().optional(),
  lastUpdateTime: z.string().optional(),
});
export type Condition = z.infer<typeof conditionSchema>;

/** The Ready condition of a pod or a node, when it reports one. */
export function readyConditionOf(o: { status?: { conditions?: Condition[] } }): Condition | undefined {
  return o.status?.conditions?.find((c) => c.type === 'Ready');
}

/** The owner reference marked controller (metav1.GetControllerOf), if any. */
export function controllerOf(o: { metadata: { ownerReferences?: OwnerReference[] } }): OwnerReference | undefined {
  return o.metadata.ownerReferences?.find((r) => r.controller);
}
