/** Finds and loads handler files. The only module that touches the handler folder. */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import fg from 'fast-glob';
import { SocketError } from '../errors.js';
import { RESERVED_REQUEST_NAMES } from '../protocol/constants.js';
import { isHandlerClass, type HandlerClass } from './handler.js';
import { HANDLER_EXTENSIONS, handlerNameFromPath, isHandlerFile } from './handler-name.js';

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
  required?: boolean;
}

/**
 * Loads every handler file under `dir`, in file path order.
 * @throws SocketError `HANDLER_LOAD_FAILED` (missing folder, import error, bad default
 * export, reserved name) or `DUPLICATE_HANDLER`; each message names the file.
 */
export async function discoverHandlers(dir: string, options: DiscoverOptions = {}): Promise<DiscoveredHandler[]> {
  const root = resolve(dir);
  if (!(await isDirectory(root))) {
    if (options.required === false) return [];
    throw new SocketError('HANDLER_LOAD_FAILED', `Handler folder not found: ${root}`);
  }
  const files = await fg(`**/*.{${HANDLER_EXTENSIONS.join(',')}}`, { cwd: root, onlyFiles: true, dot: false });
  const byName = new Map<string, DiscoveredHandler>();
  for (const relative of files.filter(isHandlerFile).sort()) {
    const name = handlerNameFromPath(relative);
    const file = resolve(root, relative);
    const clash = byName.get(name);
    if (clash) throw new SocketError('DUPLICATE_HANDLER', `Handler name "${name}" is taken by both ${clash.file} and ${file}`);
    if (RESERVED_REQUEST_NAMES.has(name)) throw new SocketError('HANDLER_LOAD_FAILED', `${file}: "${name}" is a reserved request name`);
    byName.set(name, { name, file, HandlerClass: await loadHandlerClass(file) });
  }
  return [...byName.values()];
}

async function loadHandlerClass(file: string): Promise<HandlerClass> {
  let module: { default?: unknown };
  try {
    module = (await importSource(file)) as { default?: unknown };
  } catch (cause) {
    throw new SocketError('HANDLER_LOAD_FAILED', `${file} failed to load: ${(cause as Error).message}`, { cause });
  }
  if (!isHandlerClass(module.default)) {
    throw new SocketError('HANDLER_LOAD_FAILED', `${file} must default-export a class that extends Handler`);
  }
  return module.default;
}

let typescriptLoader: Promise<void> | undefined;

/**
 * Imports a handler file. TypeScript files load through tsx; its loader is registered on
 * first need only, so processes already started with `--import tsx` are left as they are.
 */
async function importSource(file: string): Promise<unknown> {
  const url = pathToFileURL(file).href;
  try {
    return await import(url);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw error;
    typescriptLoader ??= import('tsx/esm/api').then(({ register }) => {
      register();
    });
    await typescriptLoader;
    return import(url);
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
