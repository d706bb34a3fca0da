/**
 * Imports one handler file, whatever the project around it: ES module or CommonJS (with or
 * without `"type": "module"`), JavaScript or TypeScript. tsx is imported only when the
 * first TypeScript file is met, so a project of `.js` handlers never pays for it.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { isTypeScriptFile } from './handler-name.js';

let typescriptLoader: Promise<void> | undefined;

/** The file's default export, unwrapped from CommonJS interop. @throws the import's own error */
export async function importDefaultExport(file: string): Promise<unknown> {
  if (isTypeScriptFile(file)) await loadTypeScriptSupport();
  // A .cts file goes through Node's CommonJS loader, not import(): on Node 20, CommonJS
  // that a loader hook compiled and import() evaluates cannot require() an ES module
  // ("request for ... is not in cache"), and handlers require 'dropsocket', an ES module.
  if (file.endsWith('.cts')) return unwrapCommonJsDefault(createRequire(import.meta.url)(file));
  const namespace = (await import(pathToFileURL(file).href)) as { default?: unknown };
  return unwrapCommonJsDefault(namespace.default);
}

/**
 * `import()` of CommonJS yields `module.exports` as the default export. A TypeScript or
 * Babel file compiled to CommonJS puts its `export default` at `exports.default`, so that
 * is the class when the outer object is marked `__esModule`.
 */
function unwrapCommonJsDefault(exported: unknown): unknown {
  if (typeof exported !== 'object' || exported === null) return exported;
  const { __esModule: marked, default: inner } = exported as { __esModule?: unknown; default?: unknown };
  return marked === true && inner !== undefined ? inner : exported;
}

/**
 * Both of tsx's hooks: the ESM one for `import`, the CommonJS one for `.cts` files and for
 * `.ts` files in a project without `"type": "module"`, which Node runs as CommonJS.
 */
function loadTypeScriptSupport(): Promise<void> {
  typescriptLoader ??= Promise.all([import('tsx/esm/api'), import('tsx/cjs/api')]).then(([esm, cjs]) => {
    esm.register();
    cjs.register();
  });
  return typescriptLoader;
}

/**
 * A load failure as one line a user can act on: the real cause and, for a syntax error,
 * where it is. tsx puts the location in its message; Node does not for an ES module (it
 * keeps it in a private field of the error), so `node --check` is asked for it. That costs
 * a process, but only on the way to a failed startup.
 */
export function describeLoadError(error: unknown, file: string): string {
  if (!(error instanceof Error)) return String(error);
  const message = error.message.split('\n').filter((line) => line.trim() !== '').join(' ');
  if (error.name !== 'SyntaxError' || message.includes(file)) return message;
  const check = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8', timeout: 10_000 });
  const location = /^(?:file:\/\/)?(\S+?):(\d+)\s*$/m.exec(check.stderr ?? '');
  return location === null ? message : `${message} (at ${location[1]}:${location[2]})`;
}
