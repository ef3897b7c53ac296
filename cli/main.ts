// The kedge entry point: dispatch only; each command lives in its own file.
import { runEntry } from './entry.js';

await runEntry();
