/** hostPorts of pod-network pods: the node's addresses (or the one hostIP asked for) DNATed to the pod. */
import type { RulesetBuilder } from './builder.js';
import { isIPv4 } from './addresses.js';
import { setNames } from './names.js';
import type { LocalPod } from '../types.js';

export function addHostPorts(b: RulesetBuilder, pods: readonly LocalPod[], nodeIPs: readonly string[]): void {
  for (const pod of pods) {
    const owner = `pod ${pod.namespace}/${pod.name}`;
    for (const hp of pod.hostPorts) {
      const anyAddress = hp.hostIP === undefined || hp.hostIP === '' || hp.hostIP === '0.0.0.0';
      if (!anyAddress && !isIPv4(hp.hostIP!)) continue;
      const proto = hp.protocol.toLowerCase();
      for (const address of anyAddress ? nodeIPs : [hp.hostIP!]) {
        b.element(setNames.hostPorts, `${address} . ${proto} . ${hp.hostPort}`, `${pod.ip} . ${hp.containerPort}`, `${owner} hostPort ${proto}/${hp.hostPort}`);
      }
    }
  }
}
