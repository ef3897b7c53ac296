import { randomBytes } from 'node:crypto';
import { KedgeError } from '../../shared/errors.js';
import type { JoinRequest, JoinResponse } from '../../shared/messages.js';
import type { Node } from '../../shared/node.js';
import type { Store } from '../store/types.js';
import { hashPassword, sha256Hex, verifyPassword } from './credentials.js';

export interface JoinDeps {
  store: Store;
  caPem: string;
  mqttPort: number;
  now?: () => Date;
  random?: (bytes: number) => Buffer;
  log?: (msg: string) => void;
}

/**
 * Registers a node (or welcomes it back). The node password proves it is the same machine: a second
 * machine claiming an existing name with another password is refused, so nodes cannot impersonate each other.
 */
export function createJoinHandler(deps: JoinDeps) {
  const now = deps.now ?? (() => new Date());
  const random = deps.random ?? randomBytes;
  return async function join(req: JoinRequest, ctx: { host?: string } = {}): Promise<JoinResponse> {
    const existing = deps.store.getNodeCredentials(req.nodeName);
    if (existing && !(await verifyPassword(req.nodePassword, existing.passwordHash))) {
      throw new KedgeError(
        'Conflict',
        `node name ${req.nodeName} is already taken by another node (its node password does not match); choose another --node-name, or run "kedge delete node ${req.nodeName}" if that machine is gone`,
      );
    }
    const passwordHash = existing?.passwordHash ?? (await hashPassword(req.nodePassword));
    // The hash ran off the event loop: another join of this name may have registered meanwhile.
    const current = deps.store.getNodeCredentials(req.nodeName);
    if (current?.passwordHash !== existing?.passwordHash) return join(req, ctx);
    const mqttPassword = random(32).toString('hex');
    deps.store.putNodeCredentials({
      name: req.nodeName,
      passwordHash,
      mqttPasswordHash: sha256Hex(mqttPassword),
      createdAt: existing?.createdAt ?? now().toISOString(),
    });
    if (!deps.store.get('Node', '', req.nodeName)) {
      const node: Node = {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: req.nodeName, labels: { ...(req.labels ?? {}), 'kubernetes.io/hostname': req.nodeName } },
        spec: {},
        status: { conditions: [{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kedge agent has not reported yet.', lastTransitionTime: now().toISOString() }] },
      };
      deps.store.create(node);
    }
    deps.log?.(`node ${req.nodeName} ${existing ? 'rejoined' : 'joined'}`);
    const host = hostOnly(ctx.host) ?? '127.0.0.1';
    return {
      nodeName: req.nodeName,
      ca: deps.caPem,
      mqtt: { url: `mqtts://${host.includes(':') ? `[${host}]` : host}:${deps.mqttPort}`, username: req.nodeName, password: mqttPassword },
    };
  };
}

/** "host:6443" or "[::1]:6443" → host; the agent reaches MQTT at the address it reached the API on. */
function hostOnly(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return undefined;
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(hostHeader);
  if (v6) return v6[1];
  return hostHeader.replace(/:\d+$/, '');
}
