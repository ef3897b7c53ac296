import { applyAgentV8Flags } from '../agent/v8-flags.js';
import { processIo } from './process-io.js';

/** Runs one `kedge` invocation and sets the exit code; shared by the source entry and the single executable's. */
export async function runEntry(argv: string[] = process.argv.slice(2)): Promise<void> {
  // Before any other kedge code is even initialised (hence the dynamic import): V8's optimizing
  // compiler, once used while the agent starts, stays in its memory for good.
  if (argv[0] === 'agent') applyAgentV8Flags();
  const { runCli } = await import('./dispatch.js');
  try {
    process.exitCode = await runCli(argv, processIo());
  } catch (e) {
    // Not a KedgeError: a bug, so the stack is worth showing.
    console.error(e);
    process.exitCode = 1;
  }
  // The command is done (a server or agent has stopped cleanly): a leftover timer or socket
  // must not keep the process, and systemd's stop, waiting.
  setTimeout(() => process.exit(), 1000).unref();
}
