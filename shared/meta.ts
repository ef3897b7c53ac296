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
  apiVersion: z.string(),
  kind: z.string(),
  name: z.string(),
  uid: z.string(),
  controller: z.boolean().optional(),
  blockOwnerDeletion: z.boolean().optional(),
});
export type OwnerReference = z.infer<typeof ownerReferenceSchema>;

export const objectMetaSchema = z.object({
  name: nameSchema.optional(),
  generateName: z.string().max(243).optional(),
  namespace: labelNameSchema.optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  generation: z.number().int().optional(),
  creationTimestamp: z.string().optional(),
  deletionTimestamp: z.string().optional(),
  /** Seconds the object was given to go when deletionTimestamp was set (pods: to stop their containers). */
  deletionGracePeriodSeconds: z.number().int().optional(),
  /** What must happen before a deleted object goes; each is removed by whoever did it. */
  finalizers: z.array(z.string()).optional(),
  labels: labelsSchema.optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  ownerReferences: z.array(ownerReferenceSchema).optional(),
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
  type: z.string(),
  status: z.enum(['True', 'False', 'Unknown']),
  reason: z.string().optional(),
  message: z.string().optional(),
  lastTransitionTime: z.string().optional(),
  lastHeartbeatTime: z.string().optional(),
  lastProbeTime: z.string().nullable().optional(),
  lastUpdateTime: z.string().optional(),
});
export type Condition = z.infer<typeof conditionSchema>;
