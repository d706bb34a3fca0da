/** Finds and loads handler files. The only module that touches the handler folder. */
import { readdir, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SocketError } from '../errors.js';
import { RESERVED_REQUEST_NAMES } from '../protocol/constants.js';
import { isHandlerClass, type HandlerClass } from './handler.js';
import { HANDLER_EXTENSIONS, handlerNameFromPath, isHandlerFile, isUnsupportedHandlerFile } from './handler-name.js';
import { describeLoadError, importDefaultExport } from './load-module.js';

/** A handler file, loaded. */
export interface DiscoveredHandler {
  name: string;
  /** Absolute path of the file. */
  file: string;
  HandlerClass: HandlerClass;
}

/** Options of {@link discoverHandlers}. */
export interface DiscoverOptions {
  /** When false, a missing folder yields no handlers instead of an error. @default true */
  required?: boolean | undefined;
  /**
   * When true, a file that fails to load is passed to `warn` and left out instead of
   * failing discovery (a client that needs its `client()` hooks should not fail on a
   * broken server-only file in a shared folder). @default false
   */
  skipBroken?: boolean | undefined;
  /** Receives one line per file passed over. */
  warn?: ((message: string) => void) | undefined;
}

/** One file that could not become a handler. */
interface Failure {
  file: string;
  reason: string;
  cause?: unknown;
}

/**
 * Loads every handler file under `dir`, in file path order, and reports every broken file
 * at once rather than one per restart.
 * @throws SocketError `HANDLER_LOAD_FAILED` (missing folder, import error, bad default
 * export, reserved name) or `DUPLICATE_HANDLER`; each message names the file.
 */
export async function discoverHandlers(dir: string, options: DiscoverOptions = {}): Promise<DiscoveredHandler[]> {
  const listed = await listHandlerFiles(dir, options);
  const byName = new Map<string, DiscoveredHandler>();
  const failures: Failure[] = [];
  for (const { name, file } of listed) {
    const loaded = RESERVED_REQUEST_NAMES.has(name) ? { file, reason: `"${name}" is a reserved request name` } : await loadHandlerClass(file);
    if ('reason' in loaded) failures.push(loaded);
    else byName.set(name, { name, file, HandlerClass: loaded.HandlerClass });
  }
  if (failures.length > 0 && options.skipBroken !== true) throw loadFailed(failures);
  for (const failure of failures) options.warn?.(`${failure.file} is not loaded: ${failure.reason}`);
  return [...byName.values()];
}

/** A handler file, found but not loaded. */
export interface HandlerFile {
  name: string;
  /** Absolute path of the file. */
  file: string;
  /** Path under the handler folder, with `/` separators. */
  relative: string;
}

/**
 * Lists the handler files under `dir` with their names, in path order, without loading
 * any (`dropsocket types` needs only the names and paths).
 * @throws SocketError `HANDLER_LOAD_FAILED` (missing folder) or `DUPLICATE_HANDLER`.
 */
export async function listHandlerFiles(dir: string, options: Pick<DiscoverOptions, 'required' | 'warn'> = {}): Promise<HandlerFile[]> {
  const root = resolve(dir);
  if (!(await isDirectory(root))) {
    if (options.required === false) return [];
    throw new SocketError('HANDLER_LOAD_FAILED', `Handler folder not found: ${root}`);
  }
  const files = (await listFiles(root)).sort();
  for (const relative of files.filter(isUnsupportedHandlerFile)) {
    options.warn?.(`${resolve(root, relative)} is not loaded: handler files end in .${HANDLER_EXTENSIONS.join(', .')}`);
  }
  const byName = new Map<string, HandlerFile>();
  for (const relative of files.filter(isHandlerFile)) {
    const name = handlerNameFromPath(relative);
    const file = resolve(root, relative);
    const clash = byName.get(name);
    if (clash) throw new SocketError('DUPLICATE_HANDLER', `Handler name "${name}" is taken by both ${clash.file} and ${file}`);
    byName.set(name, { name, file, relative });
  }
  return [...byName.values()];
}

async function loadHandlerClass(file: string): Promise<{ HandlerClass: HandlerClass } | Failure> {
  let exported: unknown;
  try {
    exported = await importDefaultExport(file);
  } catch (cause) {
    return { file, reason: `failed to load: ${describeLoadError(cause, file)}`, cause };
  }
  if (!isHandlerClass(exported)) return { file, reason: 'must default-export a class that extends Handler' };
  return { HandlerClass: exported };
}

function loadFailed(failures: readonly Failure[]): SocketError {
  const lines = failures.map(({ file, reason }) => `${file} ${reason}`);
  const message = failures.length === 1 ? lines[0]! : `${failures.length} handler files failed:\n  ${lines.join('\n  ')}`;
  const causes = failures.flatMap((failure) => (failure.cause === undefined ? [] : [failure.cause]));
  return new SocketError('HANDLER_LOAD_FAILED', message, causes.length === 0 ? {} : { cause: causes.length === 1 ? causes[0] : new AggregateError(causes) });
}

/**
 * Every file under `root` as a `/`-separated relative path, following symbolic links (but
 * not loops), and not descending into hidden (`.git`) or private (`_helpers`) folders,
 * which hold no handlers. A walk of our own rather than a glob library: the folder is small, and a glob
 * library's import was a third of `serve`'s startup.
 */
async function listFiles(root: string, prefix = '', ancestors: ReadonlySet<string> = new Set()): Promise<string[]> {
  const files: string[] = [];
  // A link to a folder above it would be a loop: walking stops there.
  const real = await realpath(join(root, prefix));
  if (ancestors.has(real)) return files;
  const inside = new Set(ancestors).add(real);
  for (const entry of await readdir(join(root, prefix), { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    const isFolder = entry.isDirectory() || (entry.isSymbolicLink() && (await isDirectory(join(root, path))));
    if (isFolder && !entry.name.startsWith('_')) files.push(...(await listFiles(root, path, inside)));
    else if (!isFolder) files.push(path);
  }
  return files;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
