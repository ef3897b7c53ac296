// The single executable's entry point: cli/main.ts without top-level await, which the
// CommonJS script a Node single executable runs cannot have.
import { runEntry } from '../../cli/entry.js';

void runEntry();
