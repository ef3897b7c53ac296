/** A Service's defaults and the checks that need nothing but the Service itself, as Kubernetes has them. */
import { KedgeError } from '../../shared/errors.js';
import type { Service, ServicePort, ServiceSpec, ServiceType } from '../../shared/service.js';

export function serviceInvalid(s: Service, field: string, message: string, reason = 'FieldValueInvalid'): KedgeError {
  return new KedgeError('Invalid', `Service "${s.metadata.name ?? ''}" is invalid: ${field}: ${message}`, {
    details: { kind: 'Service', name: s.metadata.name, causes: [{ field, message, reason }] },
  });
}

export const typeOf = (s: Service): ServiceType => s.spec?.type ?? 'ClusterIP';
export const isHeadless = (s: Service) => s.spec?.clusterIP === 'None';

/** NodePort, and LoadBalancer unless allocateLoadBalancerNodePorts is false. */
export function needsNodePorts(s: Service): boolean {
  const t = typeOf(s);
  return t === 'NodePort' || (t === 'LoadBalancer' && s.spec?.allocateLoadBalancerNodePorts !== false);
}

/** Default session affinity timeout (3 hours), as Kubernetes. */
export const defaultAffinityTimeoutSeconds = 10800;

/** Kubernetes' defaults: type, protocols, target ports, affinity, traffic policies, IP families. */
export function defaultService(s: Service): Service {
  const spec: ServiceSpec = { ...(s.spec ?? {}) };
  spec.type ??= 'ClusterIP';
  spec.ports = spec.ports?.map((p): ServicePort => ({ ...p, protocol: p.protocol ?? 'TCP', targetPort: p.targetPort ?? p.port }));
  if (spec.type === 'ExternalName') return { ...s, spec, status: s.status ?? { loadBalancer: {} } };
  spec.sessionAffinity ??= 'None';
  if (spec.sessionAffinity === 'ClientIP') {
    spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? defaultAffinityTimeoutSeconds } };
  }
  spec.internalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer' || spec.externalIPs?.length) spec.externalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
  if (!spec.clusterIP && spec.clusterIPs?.length) spec.clusterIP = spec.clusterIPs[0];
  spec.ipFamilies ??= ['IPv4'];
  spec.ipFamilyPolicy ??= 'SingleStack';
  return { ...s, spec, status: s.status ?? { loadBalancer: {} } };
}

const ianaSvcName = /^(?=.*[a-z])[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** Checks that need only the (defaulted) Service: ports, type-dependent fields, IP families. */
export function checkService(s: Service): void {
  const spec = s.spec ?? {};
  const type = typeOf(s);
  const ports = spec.ports ?? [];
  if (type === 'ExternalName') {
    if (!spec.externalName) throw serviceInvalid(s, 'spec.externalName', 'Required value', 'FieldValueRequired');
    if (spec.clusterIP) throw serviceInvalid(s, 'spec.clusterIP', `Invalid value: "${spec.clusterIP}": must be empty for ExternalName services`);
    return;
  }
  if (spec.clusterIPs && spec.clusterIPs.length > 1) throw serviceInvalid(s, 'spec.clusterIPs', 'Invalid value: only one IP family (IPv4) is supported');
  if (spec.clusterIPs?.[0] !== undefined && spec.clusterIP && spec.clusterIPs[0] !== spec.clusterIP) {
    throw serviceInvalid(s, 'spec.clusterIPs[0]', `Invalid value: "${spec.clusterIPs[0]}": must match \`clusterIP\``);
  }
  const headless = isHeadless(s);
  if (headless && type !== 'ClusterIP') throw serviceInvalid(s, 'spec.clusterIP', `Invalid value: "None": may not be set to 'None' for ${type} services`);
  if (!headless && ports.length === 0) throw serviceInvalid(s, 'spec.ports', 'Required value', 'FieldValueRequired');
  const names = new Set<string>();
  const keys = new Set<string>();
  ports.forEach((p, i) => {
    const at = `spec.ports[${i}]`;
    if (ports.length > 1 && !p.name) throw serviceInvalid(s, `${at}.name`, 'Required value', 'FieldValueRequired');
    if (p.name !== undefined) {
      if (names.has(p.name)) throw serviceInvalid(s, `${at}.name`, `Duplicate value: "${p.name}"`, 'FieldValueDuplicate');
      names.add(p.name);
    }
    const key = `${p.port}/${p.protocol ?? 'TCP'}`;
    if (keys.has(key)) throw serviceInvalid(s, at, `Duplicate value: ${JSON.stringify({ port: p.port, protocol: p.protocol ?? 'TCP' })}`, 'FieldValueDuplicate');
    keys.add(key);
    if (typeof p.targetPort === 'string' && (p.targetPort.length > 15 || !ianaSvcName.test(p.targetPort))) {
      throw serviceInvalid(s, `${at}.targetPort`, `Invalid value: "${p.targetPort}": must be a port number or the name of a container port (at most 15 lower case letters, digits and '-', at least one letter)`);
    }
    if (p.nodePort !== undefined && !needsNodePorts(s)) {
      throw serviceInvalid(s, `${at}.nodePort`, `Forbidden: may not be used when \`type\` is '${type}'`, 'FieldValueForbidden');
    }
  });
  if (spec.externalTrafficPolicy === 'Local' && type !== 'NodePort' && type !== 'LoadBalancer' && !spec.externalIPs?.length) {
    throw serviceInvalid(s, 'spec.externalTrafficPolicy', `Invalid value: "Local": may only be set when \`type\` is 'NodePort' or 'LoadBalancer'`);
  }
  (spec.ipFamilies ?? []).forEach((f, i) => {
    if (f !== 'IPv4') throw serviceInvalid(s, `spec.ipFamilies[${i}]`, `Unsupported value: "${f}": this cluster has IPv4 only`, 'FieldValueNotSupported');
  });
  if (spec.ipFamilyPolicy === 'RequireDualStack') throw serviceInvalid(s, 'spec.ipFamilyPolicy', 'Invalid value: "RequireDualStack": this cluster has IPv4 only');
}
