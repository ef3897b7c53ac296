/** A container's probe as the agent runs it: Kubernetes defaults applied, named ports resolved. Pure. */
import { KedgeError } from '../../shared/errors.js';
import type { Container, Probe } from '../../shared/pod.js';

export type ProbeKind = 'startup' | 'liveness' | 'readiness';
export const probeKinds: readonly ProbeKind[] = ['startup', 'liveness', 'readiness'];

export type ProbeAction =
  | { type: 'exec'; command: string[] }
  | { type: 'http'; scheme: 'http' | 'https'; host: string; port: number; path: string; headers: Record<string, string> }
  | { type: 'tcp'; host: string; port: number };

export interface ProbeSpec {
  kind: ProbeKind;
  action: ProbeAction;
  initialDelayMs: number;
  periodMs: number;
  timeoutMs: number;
  successThreshold: number;
  failureThreshold: number;
  /** probe-level terminationGracePeriodSeconds, used when a failure kills the container. */
  graceSeconds?: number;
}

/** Kubernetes' names: "Liveness", "Readiness", "Startup". */
export function probeTitle(kind: ProbeKind): string {
  return kind[0]!.toUpperCase() + kind.slice(1);
}

export function probeOf(c: Container, kind: ProbeKind): Probe | undefined {
  return kind === 'startup' ? c.startupProbe : kind === 'liveness' ? c.livenessProbe : c.readinessProbe;
}

function resolvePort(c: Container, port: number | string, field: string): number {
  if (typeof port === 'number') {
    if (port < 1 || port > 65535) throw new KedgeError('Invalid', `${field}: port ${port} is out of range 1-65535`);
    return port;
  }
  if (/^\d+$/.test(port)) return resolvePort(c, Number(port), field);
  const named = c.ports?.find((p) => p.name === port);
  if (!named) throw new KedgeError('Invalid', `${field}: container ${c.name} has no port named "${port}"`);
  return named.containerPort;
}

/** The probe with defaults (period 10 s, timeout 1 s, thresholds 1 and 3); liveness and startup need one success, as in Kubernetes. */
export function probeSpec(c: Container, kind: ProbeKind, defaultHost = '127.0.0.1'): ProbeSpec | undefined {
  const p = probeOf(c, kind);
  if (!p) return undefined;
  const field = `${kind}Probe of container ${c.name}`;
  let action: ProbeAction;
  if (p.exec) action = { type: 'exec', command: [...p.exec.command] };
  else if (p.httpGet) {
    const g = p.httpGet;
    const path = g.path ? (g.path.startsWith('/') ? g.path : `/${g.path}`) : '/';
    const headers: Record<string, string> = { 'user-agent': 'kube-probe/kedge', accept: '*/*' };
    for (const h of g.httpHeaders ?? []) headers[h.name.toLowerCase()] = h.value;
    action = { type: 'http', scheme: g.scheme === 'HTTPS' ? 'https' : 'http', host: g.host || defaultHost, port: resolvePort(c, g.port, `${field}.httpGet.port`), path, headers };
  } else if (p.tcpSocket) {
    action = { type: 'tcp', host: p.tcpSocket.host || defaultHost, port: resolvePort(c, p.tcpSocket.port, `${field}.tcpSocket.port`) };
  } else {
    throw new KedgeError('Invalid', `${field}: one of exec, httpGet or tcpSocket is required`);
  }
  return {
    kind,
    action,
    initialDelayMs: (p.initialDelaySeconds ?? 0) * 1000,
    periodMs: (p.periodSeconds ?? 10) * 1000,
    timeoutMs: (p.timeoutSeconds ?? 1) * 1000,
    successThreshold: kind === 'readiness' ? (p.successThreshold ?? 1) : 1,
    failureThreshold: p.failureThreshold ?? 3,
    ...(p.terminationGracePeriodSeconds !== undefined ? { graceSeconds: p.terminationGracePeriodSeconds } : {}),
  };
}
