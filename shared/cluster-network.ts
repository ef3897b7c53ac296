/**
 * What every node needs to route the cluster: the network settings and each node's pod range
 * (`network`), and every Service with its endpoints (`services`). Two retained messages on
 * kedge/v1/cluster/…, the same for all nodes, so that a node rebuilds routes, Service rules and
 * DNS from its cache while the server is away.
 */
import { z } from 'zod';
import { serviceProtocolSchema, serviceTypeSchema } from './service.js';

export const networkBackendSchema = z.enum(['host-gw', 'vxlan']);
export type NetworkBackend = z.infer<typeof networkBackendSchema>;

export const clusterNodeRouteSchema = z.object({
  name: z.string(),
  /** The node's pod range, e.g. 10.42.3.0/24. */
  podCIDR: z.string(),
  /** Where its pod range is reached (host-gw: the gateway; vxlan: the tunnel endpoint). */
  internalIP: z.string(),
});
export type ClusterNodeRoute = z.infer<typeof clusterNodeRouteSchema>;

/** kedge/v1/cluster/network — retained, QoS 1. */
export const clusterNetworkSchema = z.object({
  revision: z.number().int().min(0),
  clusterCIDR: z.string(),
  serviceCIDR: z.string(),
  clusterDNS: z.string(),
  clusterDomain: z.string(),
  backend: networkBackendSchema,
  nodePortRange: z.object({ min: z.number().int().min(1).max(65535), max: z.number().int().min(1).max(65535) }),
  nodes: z.array(clusterNodeRouteSchema),
});
export type ClusterNetwork = z.infer<typeof clusterNetworkSchema>;

export const serviceEndpointSchema = z.object({
  ip: z.string(),
  nodeName: z.string().optional(),
  /** The pod behind it: a node drops its own unready or dead pods from its rules without the server. */
  podUID: z.string().optional(),
  /** For headless Services: the pod's spec.hostname when its spec.subdomain is the Service's name. */
  hostname: z.string().optional(),
  ready: z.boolean(),
  terminating: z.boolean().optional(),
  /** Target port per Service port name ("" for an unnamed port); a named targetPort resolves per pod. */
  ports: z.record(z.string(), z.number().int().min(1).max(65535)),
});
export type ServiceEndpoint = z.infer<typeof serviceEndpointSchema>;

export const serviceRouteSchema = z.object({
  namespace: z.string(),
  name: z.string(),
  type: serviceTypeSchema,
  /** Absent for ExternalName; "None" for a headless Service. */
  clusterIP: z.string().optional(),
  externalName: z.string().optional(),
  externalIPs: z.array(z.string()).optional(),
  /** LoadBalancer the way ServiceLB does it: `port` answers on every node's own addresses. */
  loadBalancer: z.boolean().optional(),
  /** Present for sessionAffinity ClientIP. */
  affinityTimeoutSeconds: z.number().int().min(1).optional(),
  externalTrafficLocal: z.boolean().optional(),
  internalTrafficLocal: z.boolean().optional(),
  publishNotReadyAddresses: z.boolean().optional(),
  ports: z.array(z.object({ name: z.string(), protocol: serviceProtocolSchema, port: z.number().int(), nodePort: z.number().int().optional() })),
  endpoints: z.array(serviceEndpointSchema),
});
export type ServiceRoute = z.infer<typeof serviceRouteSchema>;

/** kedge/v1/cluster/services — retained, QoS 1. */
export const clusterServicesSchema = z.object({
  revision: z.number().int().min(0),
  services: z.array(serviceRouteSchema),
});
export type ClusterServices = z.infer<typeof clusterServicesSchema>;
