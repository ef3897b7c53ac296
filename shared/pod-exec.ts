import { z } from 'zod';

/** POST /kedge/v1/namespaces/{ns}/pods/{name}/exec: run a command in a container, non-interactively. */
export const podExecRequestSchema = z.object({
  command: z.array(z.string()).min(1, 'give the command to run, e.g. ["ls", "/"]').max(1024),
  /** Required when the pod has more than one container. */
  container: z.string().min(1).optional(),
  /** The command is killed after this long; default 60. */
  timeoutSeconds: z.number().int().min(1).max(24 * 3600).optional(),
});
export type PodExecRequest = z.infer<typeof podExecRequestSchema>;

export const podExecResultSchema = z.object({
  stdout: z.string(),
  stderr: z.string(),
  exitCode: z.number().int(),
});
export type PodExecResult = z.infer<typeof podExecResultSchema>;

export function podExecPath(namespace: string, name: string): string {
  return `/kedge/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}/exec`;
}
