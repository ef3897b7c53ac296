/** Memory, CPU time and disk writes of a process, read from /proc (Linux only). */
import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: the unit of the CPU times in /proc/PID/stat; 100 on every Linux kedge targets. */
export const clockTicksPerSecond = 100;

export interface CpuTimes {
  /** user + system of the process itself, seconds. */
  self: number;
  /** user + system of children it has waited for (the short `ctr` calls of an agent), seconds. */
  reapedChildren: number;
}

/** Resident set size in bytes (VmRSS), or null when the process is gone. */
export function rssBytes(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** RSS split into anonymous memory (heap, JIT code) and file pages (the node binary, shared libraries), MB. */
export function rssBreakdown(pid: number): { anonMB: number; fileMB: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
    return { anonMB: kb('RssAnon') / 1024, fileMB: kb('RssFile') / 1024 };
  } catch {
    return null;
  }
}

export function parseStat(text: string): { ppid: number; utime: number; stime: number; cutime: number; cstime: number } {
  // The command name is in parentheses and may hold spaces: count fields after the last ")".
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); utime is field 14.
  const f = (n: number) => Number(rest[n - 3]);
  return { ppid: f(4), utime: f(14), stime: f(15), cutime: f(16), cstime: f(17) };
}

export function cpuTimes(pid: number): CpuTimes | null {
  try {
    const s = parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    return { self: (s.utime + s.stime) / clockTicksPerSecond, reapedChildren: (s.cutime + s.cstime) / clockTicksPerSecond };
  } catch {
    return null;
  }
}

/** Live descendants of a process (children of children too). */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const { ppid } = parseStat(readFileSync(`/proc/${name}/stat`, 'utf8'));
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      // exited while we looked
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

/**
 * CPU seconds of a process and everything it spawned: itself, the children it reaped, and the
 * live descendants (a long-running `ctr events`, say). Differences of two readings are exact for
 * descendants alive at both, which is what an idle window has.
 */
export function treeCpuSeconds(pid: number): { self: number; tree: number; live: Map<number, number> } | null {
  const own = cpuTimes(pid);
  if (!own) return null;
  const live = new Map<number, number>();
  for (const d of descendants(pid)) {
    const t = cpuTimes(d);
    if (t) live.set(d, t.self);
  }
  return { self: own.self, tree: own.self + own.reapedChildren, live };
}

/** CPU used over a window by a process tree, from two treeCpuSeconds readings. */
export function treeCpuDelta(a: NonNullable<ReturnType<typeof treeCpuSeconds>>, b: NonNullable<ReturnType<typeof treeCpuSeconds>>): { self: number; tree: number } {
  let live = 0;
  for (const [pid, t] of b.live) live += t - (a.live.get(pid) ?? 0);
  return { self: b.self - a.self, tree: b.tree - a.tree + live };
}

/** Bytes the process caused to be written to storage (/proc/PID/io write_bytes), or null. */
export function writeBytes(pid: number): number | null {
  try {
    const m = /^write_bytes:\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Samples RSS every `everyMs` until stopped; returns the samples in bytes. */
export function sampleRss(pid: number, everyMs = 1000): { stop(): number[]; samples: number[] } {
  const samples: number[] = [];
  const take = () => {
    const r = rssBytes(pid);
    if (r !== null) samples.push(r);
  };
  take();
  const t = setInterval(take, everyMs);
  return {
    samples,
    stop() {
      clearInterval(t);
      take();
      return samples;
    },
  };
}

export const MB = 2 ** 20;
