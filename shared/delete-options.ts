import { z } from 'zod';

/** How the dependents of a deleted object go: Kubernetes' propagation policies. */
export const propagationPolicies = ['Orphan', 'Background', 'Foreground'] as const;
export type PropagationPolicy = (typeof propagationPolicies)[number];

/** The body a client may send with DELETE (kubectl sends one on every delete). */
export const deleteOptionsSchema = z.object({
  kind: z.literal('DeleteOptions').optional(),
  apiVersion: z.string().optional(),
  gracePeriodSeconds: z.number().int().optional(),
  propagationPolicy: z.enum(propagationPolicies).optional(),
  /** The older spelling of propagationPolicy Orphan (true) or Background (false). */
  orphanDependents: z.boolean().optional(),
  preconditions: z.object({ uid: z.string().optional(), resourceVersion: z.string().optional() }).optional(),
  dryRun: z.array(z.string()).optional(),
});
export type DeleteOptions = z.infer<typeof deleteOptionsSchema>;

/** The finalizers the garbage collector acts on (metav1.FinalizerOrphanDependents and FinalizerDeleteDependents). */
export const orphanFinalizer = 'orphan';
export const foregroundFinalizer = 'foregroundDeletion';
