// The kedge entry point: dispatch only; each command lives in its own file.
import { runCli } from './dispatch.js';
import { processIo } from './process-io.js';

try {
  process.exitCode = await runCli(process.argv.slice(2), processIo());
} catch (e) {
  // Not a KedgeError: a bug, so the stack is worth showing.
  console.error(e);
  process.exitCode = 1;
}
// The command is done (a server or agent has stopped cleanly): a leftover timer or socket
// must not keep the process, and systemd's stop, waiting.
setTimeout(() => process.exit(), 1000).unref();
