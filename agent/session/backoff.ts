/**
 * Reconnect delay: exponential from 1 s to a 6 s cap, with jitter so a fleet does not reconnect in
 * lockstep after a server restart or an uplink coming back. The cap is short on purpose: a node
 * cannot tell a healed link from a broken one without trying, and it must be back (and resynced)
 * within seconds of the link healing. The jitter, not the cap, spreads 1,000 returning nodes: each
 * waits a random 3–6 s, so they arrive a few hundred a second at worst, never all at once.
 */
export const maxReconnectDelayMs = 6000;

export function reconnectDelay(attempt: number, random: () => number = Math.random, o: { initialMs?: number; maxMs?: number } = {}): number {
  const initial = o.initialMs ?? 1000;
  const max = o.maxMs ?? maxReconnectDelayMs;
  const base = Math.min(max, initial * 2 ** Math.min(attempt, 30));
  // "Equal jitter": between half and all of the base delay.
  return Math.round(base / 2 + random() * (base / 2));
}
