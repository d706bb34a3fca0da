/** The installed package's version, read from its package.json at run time. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let version: string | undefined;

/**
 * Walks up from this module to dropsocket's own package.json: the compiled file sits one
 * folder deeper (dist/src/cli) than the source (src/cli), so no fixed relative path fits both.
 */
export function packageVersion(): string {
  if (version !== undefined) return version;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (manifest.name === 'dropsocket' && typeof manifest.version === 'string') return (version = manifest.version);
    } catch {
      // No package.json here, or not ours: keep walking.
    }
    if (dirname(dir) === dir) return (version = '0.0.0-unknown');
  }
}
