/** Reconnect delay: exponential from 1 s to 30 s, with jitter so a fleet does not reconnect in lockstep after a server restart. */
export function reconnectDelay(attempt: number, random: () => number = Math.random, o: { initialMs?: number; maxMs?: number } = {}): number {
  const initial = o.initialMs ?? 1000;
  const max = o.maxMs ?? 30_000;
  const base = Math.min(max, initial * 2 ** Math.min(attempt, 30));
  // "Equal jitter": between half and all of the base delay.
  return Math.round(base / 2 + random() * (base / 2));
}
