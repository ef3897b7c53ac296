/** Crash and pull back-off: 10 s, 20 s, 40 s … capped at 5 min (as the kubelet does). */
export const backoffInitialMs = 10_000;
export const backoffMaxMs = 5 * 60_000;
/** A container that ran this long without crashing starts its back-off again from 10 s. */
export const backoffResetAfterMs = 10 * 60_000;

export function nextBackoff(previousMs: number): number {
  return previousMs > 0 ? Math.min(previousMs * 2, backoffMaxMs) : backoffInitialMs;
}
