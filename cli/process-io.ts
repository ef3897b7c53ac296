import os from 'node:os';
import type { CliIo } from './command.js';

/** The real process behind CliIo. */
export function processIo(): CliIo {
  return {
    env: process.env,
    cwd: process.cwd(),
    home: os.homedir(),
    isRoot: typeof process.getuid === 'function' && process.getuid() === 0,
    hostname: os.hostname(),
    now: () => Date.now(),
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    waitForStop: () =>
      new Promise((resolve) => {
        const onSignal = (signal: NodeJS.Signals) => {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          // A second signal while stopping means "now".
          const force = (s: NodeJS.Signals) => {
            process.stderr.write(`${s} again: exiting without a clean stop\n`);
            process.exit(130);
          };
          process.once('SIGINT', force);
          process.once('SIGTERM', force);
          resolve(signal);
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
      }),
  };
}
