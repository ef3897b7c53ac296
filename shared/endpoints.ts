import { z } from 'zod';
import { objectMetaSchema } from './meta.js';
import { serviceProtocolSchema } from './service.js';

const objectReferenceSchema = z.object({
  kind: z.string().optional(),
  namespace: z.string().optional(),
  name: z.string().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
});

const endpointAddressSchema = z.object({
  ip: z.string(),
  hostname: z.string().optional(),
  nodeName: z.string().optional(),
  targetRef: objectReferenceSchema.optional(),
});

const endpointPortSchema = z.object({
  name: z.string().optional(),
  port: z.number().int().min(1).max(65535),
  protocol: serviceProtocolSchema.optional(),
  appProtocol: z.string().optional(),
});

/** v1 Endpoints: one per Service with a selector, named like it. */
export const endpointsSchema = z
  .object({
    apiVersion: z.literal('v1'),
    kind: z.literal('Endpoints'),
    metadata: objectMetaSchema,
    subsets: z
      .array(
        z.object({
          addresses: z.array(endpointAddressSchema).optional().describe('Addresses of ready pods.'),
          notReadyAddresses: z.array(endpointAddressSchema).optional().describe('Addresses of pods that are not ready (yet, or any more).'),
          ports: z.array(endpointPortSchema).optional().describe('The ports these addresses offer, named after the Service ports.'),
        }),
      )
      .optional()
      .describe('Groups of addresses that offer the same ports.'),
  })
  .describe('Endpoints name the addresses behind a Service: kept by kedge from the pods a Service selects, or written by hand for a Service without a selector.');
export type Endpoints = z.infer<typeof endpointsSchema>;

/** discovery.k8s.io/v1 EndpointSlice, labelled `kubernetes.io/service-name`. */
export const endpointSliceSchema = z
  .object({
    apiVersion: z.literal('discovery.k8s.io/v1'),
    kind: z.literal('EndpointSlice'),
    metadata: objectMetaSchema,
    addressType: z.enum(['IPv4', 'IPv6', 'FQDN']).describe('The kind of addresses in this slice: IPv4, IPv6 or FQDN.'),
    endpoints: z
      .array(
        z.object({
          addresses: z.array(z.string()).min(1),
          conditions: z.object({ ready: z.boolean().optional(), serving: z.boolean().optional(), terminating: z.boolean().optional() }).optional(),
          hostname: z.string().optional(),
          nodeName: z.string().optional(),
          zone: z.string().optional(),
          targetRef: objectReferenceSchema.optional(),
        }),
      )
      .describe('The endpoints: each a pod address with its readiness, node and pod.'),
    ports: z
      .array(z.object({ name: z.string().optional(), port: z.number().int().optional(), protocol: serviceProtocolSchema.optional(), appProtocol: z.string().optional() }))
      .optional()
      .describe('The ports every endpoint of this slice offers, named after the Service ports.'),
  })
  .describe('An EndpointSlice holds up to 100 endpoints of a Service, labelled kubernetes.io/service-name.');
export type EndpointSlice = z.infer<typeof endpointSliceSchema>;
