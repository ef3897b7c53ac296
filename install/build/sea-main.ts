// The single executable's entry point: cli/main.ts without top-level await, which the
// CommonJS script a Node single executable runs cannot have.
import { runCli } from '../../cli/dispatch.js';
import { processIo } from '../../cli/process-io.js';

async function main(): Promise<void> {
  try {
    process.exitCode = await runCli(process.argv.slice(2), processIo());
  } catch (e) {
    // Not a KedgeError: a bug, so the stack is worth showing.
    console.error(e);
    process.exitCode = 1;
  }
  // As in cli/main.ts: a leftover timer or socket must not keep a finished command alive.
  setTimeout(() => process.exit(), 1000).unref();
}

void main();
