import { runCli } from './dispatch.js';
import { processIo } from './process-io.js';

/** Runs one `kedge` invocation and sets the exit code; shared by the source entry and the single executable's. */
export async function runEntry(argv: string[] = process.argv.slice(2)): Promise<void> {
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
