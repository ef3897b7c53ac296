import type { NetworkSettings } from './network/settings.js';

/** Everything `kedge server` needs; the CLI fills it from flags and KEDGE_* variables. */
export interface ServerConfig {
  dataDir: string;
  bindAddress: string;
  httpsPort: number;
  mqttPort: number;
  tlsSans: string[];
  nodeName: string;
  disableAgent: boolean;
  /** Extra agent options for the server's own node (containerd socket, --node-ip, labels). */
  agent?: { containerdAddress?: string; nodeIP?: string; nodeLabels?: Record<string, string>; dataDir?: string };
  /** How long pods stay on a NotReady node before eviction unless they tolerate it themselves (default 20 s). */
  podEvictionTimeoutMs?: number;
  /** Pod and service ranges, cluster DNS, NodePort range, backend (default: K3s's). */
  network?: NetworkSettings;
  log?: (msg: string) => void;
}
