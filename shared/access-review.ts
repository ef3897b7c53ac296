import { z } from 'zod';

/** What `kubectl auth can-i VERB RESOURCE` asks about (authorization.k8s.io/v1). */
export const resourceAttributesSchema = z.object({
  namespace: z.string().optional(),
  verb: z.string().optional(),
  group: z.string().optional(),
  version: z.string().optional(),
  resource: z.string().optional(),
  subresource: z.string().optional(),
  name: z.string().optional(),
});

/** What `kubectl auth can-i VERB /path` asks about. */
export const nonResourceAttributesSchema = z.object({ path: z.string().optional(), verb: z.string().optional() });

const reviewMeta = z.object({ name: z.string().optional() }).optional();

export const selfSubjectAccessReviewSchema = z.object({
  apiVersion: z.literal('authorization.k8s.io/v1').optional(),
  kind: z.literal('SelfSubjectAccessReview').optional(),
  metadata: reviewMeta,
  spec: z
    .object({ resourceAttributes: resourceAttributesSchema.optional(), nonResourceAttributes: nonResourceAttributesSchema.optional() })
    .refine((s) => (s.resourceAttributes === undefined) !== (s.nonResourceAttributes === undefined), 'exactly one of nonResourceAttributes or resourceAttributes must be specified'),
});
export type SelfSubjectAccessReview = z.infer<typeof selfSubjectAccessReviewSchema>;

/** What `kubectl auth can-i --list` asks: every rule that applies in a namespace. */
export const selfSubjectRulesReviewSchema = z.object({
  apiVersion: z.literal('authorization.k8s.io/v1').optional(),
  kind: z.literal('SelfSubjectRulesReview').optional(),
  metadata: reviewMeta,
  spec: z.object({ namespace: z.string().optional() }).optional(),
});

/** What `kubectl auth whoami` sends (authentication.k8s.io/v1): nothing but its kind. */
export const selfSubjectReviewSchema = z.object({
  apiVersion: z.literal('authentication.k8s.io/v1').optional(),
  kind: z.literal('SelfSubjectReview').optional(),
  metadata: reviewMeta,
});
