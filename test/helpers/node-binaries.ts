/**
 * The Node versions dropsocket supports, as real binaries: the one running the tests, plus
 * the newest 22 and 24 from the npm registry's `node-<platform>-<arch>` packages (the
 * official builds, published as npm packages), cached under node_modules/.cache. Nothing is
 * skipped quietly: a version that cannot be had fails the package test with the reason.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Major versions tested besides the one running the suite. */
export const EXTRA_NODE_MAJORS = [22, 24] as const;

/** One Node binary. */
export interface NodeBinary {
  version: string;
  path: string;
}

/** The running Node and one binary per {@link EXTRA_NODE_MAJORS} entry (installed once, then cached). */
export async function supportedNodeBinaries(root: string, env: NodeJS.ProcessEnv): Promise<NodeBinary[]> {
  const cache = join(root, 'node_modules', '.cache', 'dropsocket-test-node');
  const packageName = `node-${process.platform}-${process.arch}`;
  const missing = EXTRA_NODE_MAJORS.filter((major) => !existsSync(binaryPath(cache, major)));
  if (missing.length > 0) {
    await mkdir(cache, { recursive: true });
    const specs = missing.map((major) => `node${major}@npm:${packageName}@${major}`);
    try {
      await run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--no-package-lock', '--prefix', cache, ...specs], { env, timeout: 240_000 });
    } catch (error) {
      throw new Error(`Could not install Node ${missing.join(', ')} from the npm registry (${specs.join(' ')}): ${(error as Error).message}`, { cause: error });
    }
  }
  const binaries: NodeBinary[] = [{ version: process.version, path: process.execPath }];
  for (const major of EXTRA_NODE_MAJORS) {
    const path = binaryPath(cache, major);
    const { stdout } = await run(path, ['--version'], { env });
    binaries.push({ version: stdout.trim(), path });
  }
  return binaries;
}

function binaryPath(cache: string, major: number): string {
  return join(cache, 'node_modules', `node${major}`, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
}
