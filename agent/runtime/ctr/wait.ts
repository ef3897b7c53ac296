/** Waits for a host pid to disappear without spawning ctr on every poll (cheap on a Pi). */

export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone we may not signal.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True once the pid is gone, false if it still lives after timeoutMs. */
export async function waitForExit(pid: number, timeoutMs: number, pollMs = 50, alive: (pid: number) => boolean = pidAlive): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!alive(pid)) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, Math.min(pollMs, Math.max(1, deadline - Date.now()))));
  }
}
