// The browser client as one ES module: dist/browser/dropsocket.js (readable, for bundlers
// and debugging) and dropsocket.min.js (for a plain <script type="module">), with source
// maps. esbuild resolves the TypeScript sources directly; platform "browser" and the
// check below keep anything of Node out.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

/** Builds both bundles under `root`/dist/browser; throws if one reaches for Node. */
export async function buildBrowserBundles(root) {
  for (const minify of [false, true]) {
    const outfile = join(root, 'dist', 'browser', minify ? 'dropsocket.min.js' : 'dropsocket.js');
    await build({
      entryPoints: [join(root, 'src', 'browser', 'index.ts')],
      outfile,
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: ['es2022'],
      minify,
      sourcemap: true,
      legalComments: 'none',
      logLevel: 'warning',
    });
    assertNoNode(readFileSync(outfile, 'utf8'), outfile);
  }
}

function assertNoNode(code, file) {
  const found = /\bfrom\s*["']node:|\brequire\(|\bprocess\.|\bBuffer\./.exec(code);
  if (found) throw new Error(`${file} reaches for Node (${found[0]}): the browser bundle must not`);
}
