/** The one interface between the agent and a container runtime: ctr/ implements it, fake/ stands in for tests. */

/** A bind mount from the node into the container. */
export interface Mount {
  source: string;
  destination: string;
  readOnly: boolean;
}

export interface ContainerSpec {
  /** containerd container id, unique per pod uid + container name. */
  id: string;
  /** Fully qualified image reference, e.g. docker.io/library/busybox:1.36. */
  image: string;
  /** Kubernetes `command` (replaces the image entrypoint) and `args` (replace the image cmd). */
  command?: string[];
  args?: string[];
  env: Record<string, string>;
  workingDir?: string;
  labels: Record<string, string>;
  /** Where stdout and stderr go; the agent's log keeper caps its size. */
  logPath: string;
  memoryLimitBytes?: number;
  cpuLimitMillis?: number;
  /** Pod volumes (configMap, secret, emptyDir, hostPath), fixed when the container is created. */
  mounts?: Mount[];
  /** The pod's network namespace (a path) shared by its containers; absent: the host's network. */
  networkNamespace?: string;
}

export type TaskStatus = 'running' | 'stopped' | 'created' | 'paused' | 'unknown';

export interface ContainerInfo {
  id: string;
  image: string;
  labels: Record<string, string>;
  /** null when the container has no task (never started, or the task was removed). */
  task: { status: TaskStatus; pid?: number } | null;
}

export interface TaskExit {
  id: string;
  exitCode: number;
  exitedAt: string;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface RuntimeDriver {
  /** e.g. "containerd 1.6.20". */
  version(): Promise<string>;
  imageExists(ref: string): Promise<boolean>;
  /** Imports an image tarball (OCI layout or docker-archive, optionally .gz); returns the image names it held. */
  importImage(tarPath: string): Promise<string[]>;
  pullImage(ref: string): Promise<void>;
  /** Creates the container and starts its task (detached). */
  create(spec: ContainerSpec): Promise<void>;
  /** Starts a new task for an existing container whose task exited, writing to logPath. */
  restart(id: string, logPath: string): Promise<void>;
  /** SIGTERM, then SIGKILL after graceSeconds; the task is removed afterwards. */
  stop(id: string, graceSeconds: number): Promise<void>;
  /** Removes the container and its snapshot (stopping it first if needed). */
  remove(id: string): Promise<void>;
  /** Containers whose labels include every given label. */
  list(labels: Record<string, string>): Promise<ContainerInfo[]>;
  /** Task exits as they happen. */
  onExit(listener: (e: TaskExit) => void): () => void;
  /**
   * Which unbroken stream of exits onExit is fed by (a new value after each gap), or null while
   * none is; without it, exits may be missed at any time and the reconciler lists often.
   */
  exitStreamGeneration?(): number | null;
  exec(id: string, args: string[], timeoutMs?: number): Promise<ExecResult>;
  close(): Promise<void>;
}

/** Labels kedge puts on every container it creates. */
export const containerLabels = {
  node: 'io.kedge.node',
  podName: 'io.kedge.pod.name',
  podNamespace: 'io.kedge.pod.namespace',
  podUid: 'io.kedge.pod.uid',
  container: 'io.kedge.container.name',
  /** The pod's terminationGracePeriodSeconds, when it sets one: honoured even once the agent no longer knows the pod (after a restart). */
  graceSeconds: 'io.kedge.pod.termination-grace-period',
} as const;
