import { z } from 'zod';
import { isQuantity } from './quantity.js';
import { conditionSchema, labelNameSchema, labelsSchema, objectMetaSchema, readyConditionOf } from './meta.js';

const quantity = z.union([z.string().refine(isQuantity, 'must be a quantity such as 250m, 1, 64Mi or 1Gi'), z.number()]);
const resourceList = z.object({ cpu: quantity.optional(), memory: quantity.optional() });

const keyRef = z.object({ name: z.string().min(1), key: z.string().min(1), optional: z.boolean().optional() });

export const envVarSchema = z.object({
  name: z.string().min(1),
  value: z.string().optional(),
  valueFrom: z
    .object({
      configMapKeyRef: keyRef.optional(),
      secretKeyRef: keyRef.optional(),
      fieldRef: z.object({ fieldPath: z.string(), apiVersion: z.string().optional() }).optional(),
    })
    .optional(),
});

export const envFromSourceSchema = z.object({
  prefix: z.string().optional(),
  configMapRef: z.object({ name: z.string().min(1), optional: z.boolean().optional() }).optional(),
  secretRef: z.object({ name: z.string().min(1), optional: z.boolean().optional() }).optional(),
});

const intOrString = z.union([z.number().int(), z.string()]);

export const probeSchema = z.object({
  exec: z.object({ command: z.array(z.string()).min(1) }).optional(),
  httpGet: z
    .object({
      path: z.string().optional(),
      port: intOrString,
      host: z.string().optional(),
      scheme: z.enum(['HTTP', 'HTTPS']).optional(),
      httpHeaders: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
    })
    .optional(),
  tcpSocket: z.object({ port: intOrString, host: z.string().optional() }).optional(),
  initialDelaySeconds: z.number().int().min(0).optional(),
  periodSeconds: z.number().int().min(1).optional(),
  timeoutSeconds: z.number().int().min(1).optional(),
  successThreshold: z.number().int().min(1).optional(),
  failureThreshold: z.number().int().min(1).optional(),
  terminationGracePeriodSeconds: z.number().int().min(0).optional(),
});
export type Probe = z.infer<typeof probeSchema>;

export const volumeMountSchema = z.object({
  name: z.string().min(1),
  mountPath: z.string().min(1),
  readOnly: z.boolean().optional(),
  subPath: z.string().optional(),
});

const keyToPath = z.object({ key: z.string(), path: z.string(), mode: z.number().int().optional() });

export const volumeSchema = z.object({
  name: labelNameSchema,
  configMap: z.object({ name: z.string().min(1), items: z.array(keyToPath).optional(), defaultMode: z.number().int().optional(), optional: z.boolean().optional() }).optional(),
  secret: z.object({ secretName: z.string().min(1), items: z.array(keyToPath).optional(), defaultMode: z.number().int().optional(), optional: z.boolean().optional() }).optional(),
  hostPath: z.object({ path: z.string().min(1), type: z.string().optional() }).optional(),
  emptyDir: z.object({ medium: z.string().optional(), sizeLimit: z.union([z.string(), z.number()]).optional() }).optional(),
});
export type Volume = z.infer<typeof volumeSchema>;

export const containerPortSchema = z.object({
  name: z.string().optional(),
  containerPort: z.number().int().min(1).max(65535),
  hostPort: z.number().int().min(1).max(65535).optional(),
  protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional(),
});

export const containerSchema = z.object({
  name: labelNameSchema,
  image: z.string().min(1, 'image is required'),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  workingDir: z.string().optional(),
  env: z.array(envVarSchema).optional(),
  envFrom: z.array(envFromSourceSchema).optional(),
  volumeMounts: z.array(volumeMountSchema).optional(),
  livenessProbe: probeSchema.optional(),
  readinessProbe: probeSchema.optional(),
  startupProbe: probeSchema.optional(),
  ports: z.array(containerPortSchema).optional(),
  resources: z.object({ requests: resourceList.optional(), limits: resourceList.optional() }).optional(),
  imagePullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']).optional(),
});
export type Container = z.infer<typeof containerSchema>;

export const tolerationSchema = z.object({
  key: z.string().optional(),
  operator: z.enum(['Exists', 'Equal']).optional(),
  value: z.string().optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
  tolerationSeconds: z.number().int().optional(),
});

export const nodeSelectorRequirementSchema = z.object({
  key: z.string().min(1),
  operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt']),
  values: z.array(z.string()).optional(),
});

export const nodeSelectorTermSchema = z.object({
  matchExpressions: z.array(nodeSelectorRequirementSchema).optional(),
  matchFields: z.array(nodeSelectorRequirementSchema).optional(),
});

export const podSpecSchema = z.object({
  containers: z.array(containerSchema).min(1, 'at least one container is required'),
  nodeName: z.string().optional(),
  nodeSelector: labelsSchema.optional(),
  restartPolicy: z.enum(['Always', 'OnFailure', 'Never']).optional(),
  terminationGracePeriodSeconds: z.number().int().min(0).optional(),
  tolerations: z.array(tolerationSchema).optional(),
  affinity: z
    .object({
      nodeAffinity: z
        .object({
          requiredDuringSchedulingIgnoredDuringExecution: z
            .object({ nodeSelectorTerms: z.array(nodeSelectorTermSchema).min(1) })
            .optional(),
          preferredDuringSchedulingIgnoredDuringExecution: z
            .array(z.object({ weight: z.number().int().min(1).max(100), preference: nodeSelectorTermSchema }))
            .optional(),
        })
        .optional(),
    })
    .optional(),
  volumes: z.array(volumeSchema).optional(),
  hostNetwork: z.boolean().optional(),
  hostname: z.string().optional(),
  priority: z.number().int().optional(),
});
export type PodSpec = z.infer<typeof podSpecSchema>;

export const containerStateSchema = z.object({
  waiting: z.object({ reason: z.string().optional(), message: z.string().optional() }).optional(),
  running: z.object({ startedAt: z.string().optional() }).optional(),
  terminated: z
    .object({
      exitCode: z.number().int(),
      reason: z.string().optional(),
      message: z.string().optional(),
      startedAt: z.string().optional(),
      finishedAt: z.string().optional(),
    })
    .optional(),
});
export type ContainerState = z.infer<typeof containerStateSchema>;

export const containerStatusSchema = z.object({
  name: z.string(),
  image: z.string(),
  imageID: z.string().optional(),
  containerID: z.string().optional(),
  ready: z.boolean(),
  started: z.boolean().optional(),
  restartCount: z.number().int(),
  state: containerStateSchema,
  lastState: containerStateSchema.optional(),
});
export type ContainerStatus = z.infer<typeof containerStatusSchema>;

export const podPhaseSchema = z.enum(['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown']);
export type PodPhase = z.infer<typeof podPhaseSchema>;

export const podStatusSchema = z.object({
  phase: podPhaseSchema.optional(),
  conditions: z.array(conditionSchema).optional(),
  message: z.string().optional(),
  reason: z.string().optional(),
  hostIP: z.string().optional(),
  podIP: z.string().optional(),
  startTime: z.string().optional(),
  containerStatuses: z.array(containerStatusSchema).optional(),
});
export type PodStatus = z.infer<typeof podStatusSchema>;

export const podSchema = z.object({
  apiVersion: z.literal('v1'),
  kind: z.literal('Pod'),
  metadata: objectMetaSchema,
  spec: podSpecSchema,
  status: podStatusSchema.optional(),
});
export type Pod = z.infer<typeof podSchema>;

/** A pod template inside a workload (no apiVersion/kind). */
export const podTemplateSchema = z.object({
  metadata: objectMetaSchema.optional(),
  spec: podSpecSchema,
});
export type PodTemplate = z.infer<typeof podTemplateSchema>;

/** Whether the pod's Ready condition is True (what Services, rollouts and kubectl count as ready). */
export function isPodReady(pod: Pod): boolean {
  return readyConditionOf(pod)?.status === 'True';
}
