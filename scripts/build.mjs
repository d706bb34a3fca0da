// `npm run build`: a clean dist/ every time, so a file deleted from src/ cannot linger in
// the package; then the browser client as one ES module (dropsocket/browser). Plain .mjs:
// it must run before anything is compiled.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBrowserBundles } from './browser-bundle.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
rmSync(join(root, 'dist'), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const { status } = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
if (status !== 0) process.exit(status ?? 1);
await buildBrowserBundles(root);
