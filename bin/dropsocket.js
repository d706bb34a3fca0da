#!/usr/bin/env node
// The compiled CLI; tsx is loaded later, and only if a handler file is TypeScript.
import module from 'node:module';

// Node 22.1+ keeps compiled code on disk, which shortens every later start; older Nodes
// have no such cache and start as before.
module.enableCompileCache?.();

try {
  await import('../dist/src/cli/bin.js');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist')) throw error;
  process.stderr.write('dropsocket is not built: run `npm run build` in its folder first.\n');
  process.exit(1);
}
