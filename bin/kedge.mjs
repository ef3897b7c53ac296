#!/usr/bin/env node
// Development entry: runs the TypeScript sources through tsx's loader.
import { register } from 'tsx/esm/api';
register();
await import('../cli/main.ts');
