/** Names inside the Service rules table; nftables keywords (like `reject`) cannot name a chain. */

export const masqueradeMark = '0x00004000';

export const chainNames = {
  services: 'services',
  checks: 'service-checks',
  reject: 'reject-chain',
  markMasquerade: 'mark-for-masquerade',
} as const;

export const setNames = {
  serviceIPs: 'service-ips',
  serviceNodePorts: 'service-nodeports',
  noEndpointServices: 'no-endpoint-services',
  noEndpointNodePorts: 'no-endpoint-nodeports',
  nodePortIPs: 'nodeport-ips',
  hostPorts: 'host-ports',
  hairpin: 'hairpin',
} as const;

/** Chains and affinity sets of one Service port, named `<kind>-<namespace>/<name>/<protocol>/<port>`. */
export function servicePortNames(namespace: string, name: string, protocol: string, port: number) {
  const base = `${namespace}/${name}/${protocol}/${port}`;
  return {
    /** All usable endpoints. */
    cluster: `svc-${base}`,
    /** This node's endpoints only (a traffic policy Local). */
    local: `local-${base}`,
    /** Where NodePort, LoadBalancer and external-IP traffic enters. */
    external: `ext-${base}`,
    endpoint: (ip: string, targetPort: number) => `ep-${base}/${ip}/${targetPort}`,
    affinity: (ip: string, targetPort: number) => `aff-${base}/${ip}/${targetPort}`,
  };
}

/** DNS-1123 labels: what Kubernetes allows for namespaces and Service names, and safe inside an nft name. */
export function isLabel(value: string): boolean {
  return value.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value);
}

/** The table name: an nft identifier that is no keyword's lookalike. */
export function isTableName(value: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(value);
}
