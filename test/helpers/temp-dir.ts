/** A fresh temporary folder per test, removed after it. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Registers hooks on a QUnit module that create a folder before each test (passed to `use`) and remove it after. */
export function useTempDir(hooks: NestedHooks, prefix: string, use: (dir: string) => void): void {
  let dir: string | undefined;
  hooks.beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), `dropsocket-${prefix}-`));
    use(dir);
  });
  hooks.afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });
}
