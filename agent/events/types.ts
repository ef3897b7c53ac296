/** What happened to a pod on this node, before it becomes a Kubernetes Event on the server. */
export interface PodEvent {
  pod: { namespace: string; name: string; uid: string };
  /** The container it is about (fieldPath spec.containers{NAME}); absent for the pod itself. */
  container?: string;
  reason: string;
  message: string;
  type: 'Normal' | 'Warning';
}

export interface EventSink {
  emit(e: PodEvent): void;
}

export const noEvents: EventSink = { emit: () => undefined };
