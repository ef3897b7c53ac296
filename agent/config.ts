/** Everything `kedge agent` needs; the CLI fills it from flags and KEDGE_* variables. */
export interface AgentConfig {
  /** https://host:6443 */
  server: string;
  token: string;
  nodeName: string;
  dataDir: string;
  /** containerd socket; absent: use the system one when it answers, else start our own child. */
  containerdAddress?: string;
  nodeLabels: Record<string, string>;
  /** --node-ip: the node's InternalIP; absent: the default route's interface address, looked up as it changes. */
  nodeIP?: string;
  /** Heartbeat period, default 10 s. */
  heartbeatMs?: number;
  log?: (msg: string) => void;
}
