import { z } from 'zod';
import { isQuantity } from './quantity.js';
import { conditionSchema, labelNameSchema, labelsSchema, objectMetaSchema, readyConditionOf } from './meta.js';

const quantity = z.union([z.string().refine(isQuantity, 'must be a quantity such as 250m, 1, 64Mi or 1Gi'), z.number()]);
const resourceList = z.object({ cpu: quantity.optional(), memory: quantity.optional() });

const keyRef = z.object({ name: z.string().min(1), key: z.string().min(1), optional: z.boolean().optional() });

export const envVarSchema = z.object({
  name: z.string().min(1).describe('Name of the environment variable.'),
  value: z.string().optional().describe('Literal value of the variable.'),
  valueFrom: z
    .object({
      configMapKeyRef: keyRef.optional(),
      secretKeyRef: keyRef.optional(),
      fieldRef: z.object({ fieldPath: z.string(), apiVersion: z.string().optional() }).optional(),
    })
    .optional()
    .describe('Where the value comes from instead: a ConfigMap or Secret key, or a field of the pod.'),
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
  initialDelaySeconds: z.number().int().min(0).optional().describe('Seconds after the container starts before the first probe.'),
  periodSeconds: z.number().int().min(1).optional().describe('Seconds between probes. Defaults to 10.'),
  timeoutSeconds: z.number().int().min(1).optional().describe('Seconds after which a probe times out. Defaults to 1.'),
  successThreshold: z.number().int().min(1).optional().describe('Consecutive successes after a failure for the probe to count as passing. Defaults to 1.'),
  failureThreshold: z.number().int().min(1).optional().describe('Consecutive failures for the probe to count as failing. Defaults to 3.'),
  terminationGracePeriodSeconds: z.number().int().min(0).optional(),
});
export type Probe = z.infer<typeof probeSchema>;

export const volumeMountSchema = z.object({
  name: z.string().min(1).describe('Name of a volume of the pod.'),
  mountPath: z.string().min(1).describe('Path inside the container where the volume appears.'),
  readOnly: z.boolean().optional().describe('Mount read-only. Defaults to false.'),
  subPath: z.string().optional().describe('Path inside the volume to mount instead of its root.'),
});

const keyToPath = z.object({ key: z.string(), path: z.string(), mode: z.number().int().optional() });

export const volumeSchema = z.object({
  name: labelNameSchema.describe('Name of the volume, which volumeMounts refer to.'),
  configMap: z.object({ name: z.string().min(1), items: z.array(keyToPath).optional(), defaultMode: z.number().int().optional(), optional: z.boolean().optional() }).optional(),
  secret: z.object({ secretName: z.string().min(1), items: z.array(keyToPath).optional(), defaultMode: z.number().int().optional(), optional: z.boolean().optional() }).optional(),
  hostPath: z.object({ path: z.string().min(1), type: z.string().optional() }).optional(),
  emptyDir: z.object({ medium: z.string().optional(), sizeLimit: z.union([z.string(), z.number()]).optional() }).optional(),
});
export type Volume = z.infer<typeof volumeSchema>;

export const containerPortSchema = z.object({
  name: z.string().optional().describe('Name of the port, which probes and services may refer to.'),
  containerPort: z.number().int().min(1).max(65535).describe('Port the container listens on.'),
  hostPort: z.number().int().min(1).max(65535).optional().describe("Port on the node's address forwarded to containerPort."),
  protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional().describe('TCP (the default), UDP or SCTP.'),
});

export const containerSchema = z.object({
  name: labelNameSchema.describe('Name of the container, unique in the pod.'),
  image: z.string().min(1, 'image is required').describe('Container image reference, such as busybox:1.36.'),
  command: z.array(z.string()).optional().describe("Entrypoint, replacing the image's ENTRYPOINT; not run in a shell."),
  args: z.array(z.string()).optional().describe("Arguments to the entrypoint, replacing the image's CMD."),
  workingDir: z.string().optional().describe("Working directory; defaults to the image's."),
  env: z.array(envVarSchema).optional().describe('Environment variables to set in the container.'),
  envFrom: z.array(envFromSourceSchema).optional().describe('ConfigMaps and Secrets whose keys all become environment variables.'),
  volumeMounts: z.array(volumeMountSchema).optional().describe("Volumes of the pod to mount into the container's filesystem."),
  livenessProbe: probeSchema.optional().describe('Restarts the container when it fails.'),
  readinessProbe: probeSchema.optional().describe('While it fails, the container is not ready, and neither is the pod.'),
  startupProbe: probeSchema.optional().describe('Until it succeeds, the other probes do not run.'),
  ports: z.array(containerPortSchema).optional().describe('Ports the container exposes.'),
  resources: z
    .object({
      requests: resourceList.optional().describe('CPU and memory the scheduler reserves on a node for the container.'),
      limits: resourceList.optional().describe('The most CPU and memory the container may use.'),
    })
    .optional()
    .describe('CPU and memory requests and limits.'),
  imagePullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']).optional().describe('When to pull the image: Always, IfNotPresent or Never. Defaults to Always for :latest or untagged images, IfNotPresent otherwise.'),
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
  containers: z.array(containerSchema).min(1, 'at least one container is required').describe('The containers of the pod; at least one.'),
  nodeName: z.string().optional().describe('The node the pod runs on, set by the scheduler; setting it skips scheduling.'),
  nodeSelector: labelsSchema.optional().describe("Labels a node must have for the pod to be scheduled there."),
  restartPolicy: z.enum(['Always', 'OnFailure', 'Never']).optional().describe('When exited containers are restarted: Always (the default), OnFailure or Never.'),
  terminationGracePeriodSeconds: z.number().int().min(0).optional().describe('Seconds a container has to stop after SIGTERM before it is killed. Defaults to 30.'),
  tolerations: z.array(tolerationSchema).optional().describe('Taints of nodes the pod tolerates.'),
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
    .optional()
    .describe('Node affinity: rules on node labels, required or preferred.'),
  volumes: z.array(volumeSchema).optional().describe('Volumes the containers may mount: configMap, secret, hostPath, emptyDir.'),
  hostNetwork: z.boolean().optional().describe("Use the node's network namespace instead of a pod network namespace."),
  hostname: z.string().optional().describe("The pod's hostname, as in Kubernetes."),
  subdomain: z.string().optional(),
  dnsPolicy: z.enum(['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None']).optional(),
  dnsConfig: z
    .object({
      nameservers: z.array(z.string()).max(3).optional(),
      searches: z.array(z.string()).max(32).optional(),
      options: z.array(z.object({ name: z.string(), value: z.string().optional() })).optional(),
    })
    .optional(),
  hostAliases: z.array(z.object({ ip: z.string(), hostnames: z.array(z.string()).optional() })).optional(),
  priority: z.number().int().optional().describe('Priority of the pod, as in Kubernetes; higher is more important.'),
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
  phase: podPhaseSchema.optional().describe('Where the pod is in its life: Pending, Running, Succeeded, Failed or Unknown.'),
  conditions: z.array(conditionSchema).optional().describe('PodScheduled, Initialized, ContainersReady and Ready.'),
  message: z.string().optional().describe('Human-readable details about why the pod is in this state.'),
  reason: z.string().optional().describe('CamelCase reason the pod is in this state, such as Evicted.'),
  hostIP: z.string().optional().describe('Address of the node the pod runs on.'),
  podIP: z.string().optional().describe('Address of the pod.'),
  podIPs: z.array(z.object({ ip: z.string() })).optional(),
  hostIPs: z.array(z.object({ ip: z.string() })).optional(),
  startTime: z.string().optional().describe('When the node accepted the pod (RFC 3339, UTC).'),
  containerStatuses: z.array(containerStatusSchema).optional().describe('One entry per container: its state, readiness and restart count.'),
});
export type PodStatus = z.infer<typeof podStatusSchema>;

export const podSchema = z
  .object({
    apiVersion: z.literal('v1'),
    kind: z.literal('Pod'),
    metadata: objectMetaSchema,
    spec: podSpecSchema,
    status: podStatusSchema.optional(),
  })
  .describe('A Pod is one or more containers that run together on one node, sharing its network and volumes.');
export type Pod = z.infer<typeof podSchema>;

/** A pod template inside a workload (no apiVersion/kind). */
export const podTemplateSchema = z.object({
  metadata: objectMetaSchema.optional().describe('Labels and annotations the pods get.'),
  spec: podSpecSchema.describe('Specification of the pods.'),
});
export type PodTemplate = z.infer<typeof podTemplateSchema>;

/** Whether the pod's Ready condition is True (what Services, rollouts and kubectl count as ready). */
export function isPodReady(pod: Pod): boolean {
  return readyConditionOf(pod)?.status === 'True';
}
