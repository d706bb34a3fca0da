#!/usr/bin/env node
// TypeScript sources (the CLI and the user's handlers) load through tsx; no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/bin.ts');
