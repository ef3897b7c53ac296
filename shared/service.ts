import { z } from 'zod';
import { labelNameSchema, objectMetaSchema } from './meta.js';

export const serviceProtocolSchema = z.enum(['TCP', 'UDP', 'SCTP']);

export const servicePortSchema = z.object({
  /** Required (a DNS-1123 label) when a Service has more than one port. */
  name: labelNameSchema.optional(),
  protocol: serviceProtocolSchema.optional(),
  port: z.number().int().min(1).max(65535),
  /** A number or the name of a container port; defaults to `port`. */
  targetPort: z.union([z.number().int().min(1).max(65535), z.string().min(1)]).optional(),
  nodePort: z.number().int().min(1).max(65535).optional(),
  appProtocol: z.string().optional(),
});
export type ServicePort = z.infer<typeof servicePortSchema>;

export const serviceTypeSchema = z.enum(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']);
export type ServiceType = z.infer<typeof serviceTypeSchema>;

export const serviceSpecSchema = z.object({
  type: serviceTypeSchema.optional(),
  selector: z.record(z.string(), z.string()).optional(),
  ports: z.array(servicePortSchema).optional(),
  /** "None" makes the Service headless. */
  clusterIP: z.string().optional(),
  clusterIPs: z.array(z.string()).optional(),
  externalName: z.string().optional(),
  externalIPs: z.array(z.string()).optional(),
  loadBalancerIP: z.string().optional(),
  loadBalancerClass: z.string().optional(),
  allocateLoadBalancerNodePorts: z.boolean().optional(),
  sessionAffinity: z.enum(['None', 'ClientIP']).optional(),
  sessionAffinityConfig: z.object({ clientIP: z.object({ timeoutSeconds: z.number().int().min(1).max(86400).optional() }).optional() }).optional(),
  externalTrafficPolicy: z.enum(['Cluster', 'Local']).optional(),
  internalTrafficPolicy: z.enum(['Cluster', 'Local']).optional(),
  healthCheckNodePort: z.number().int().optional(),
  publishNotReadyAddresses: z.boolean().optional(),
  ipFamilies: z.array(z.enum(['IPv4', 'IPv6'])).optional(),
  ipFamilyPolicy: z.enum(['SingleStack', 'PreferDualStack', 'RequireDualStack']).optional(),
});
export type ServiceSpec = z.infer<typeof serviceSpecSchema>;

export const loadBalancerIngressSchema = z.object({
  ip: z.string().optional(),
  hostname: z.string().optional(),
  ipMode: z.string().optional(),
  ports: z.array(z.object({ port: z.number().int(), protocol: serviceProtocolSchema, error: z.string().optional() })).optional(),
});

export const serviceStatusSchema = z.object({
  loadBalancer: z.object({ ingress: z.array(loadBalancerIngressSchema).optional() }).optional(),
});

export const serviceSchema = z
  .object({
    apiVersion: z.literal('v1'),
    kind: z.literal('Service'),
    metadata: objectMetaSchema,
    spec: serviceSpecSchema.optional(),
    status: serviceStatusSchema.optional(),
  })
  .describe('A Service gives a set of pods one virtual address (ClusterIP) and name; NodePort and LoadBalancer Services also answer on the nodes.');
export type Service = z.infer<typeof serviceSchema>;
