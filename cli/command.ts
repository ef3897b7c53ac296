import type { FlagSpec, ParsedArgs } from './flags/args.js';

/** What a command may touch of the outside world; tests pass fakes. */
export interface CliIo {
  env: Record<string, string | undefined>;
  cwd: string;
  home: string;
  isRoot: boolean;
  hostname: string;
  now: () => number;
  /** Writes text as given (callers add newlines). */
  out: (text: string) => void;
  err: (text: string) => void;
  readStdin: () => Promise<string>;
  /** Resolves with the signal's name on SIGINT or SIGTERM. */
  waitForStop: () => Promise<string>;
}

export interface Command {
  name: string;
  usage: string;
  description: string;
  flags: FlagSpec[];
  examples?: string[];
  /** Resolves to the exit code (0 when void). */
  run(args: ParsedArgs, io: CliIo): Promise<number | void>;
}
