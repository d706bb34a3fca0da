/** `dropsocket types` and `dropsocket spec`: what the handler folder offers, for other tools. */
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { loadConfig } from '../config/load-config.js';
import { discoverHandlers, listHandlerFiles } from '../handlers/discover.js';
import { inputJsonSchema } from '../handlers/standard-schema.js';
import { DEFAULT_API_FILE, renderApiDeclaration } from '../tools/api-declaration.js';
import { buildAsyncApiDocument, type SpecHandler } from '../tools/asyncapi-document.js';

/** Writes the typed Api declaration; returns the line to print. */
export async function writeApiTypes(options: { out?: string; handlerDir?: string }, cwd = process.cwd()): Promise<string> {
  const handlerDir = resolve(cwd, options.handlerDir ?? loadConfig({}, { cwd }).handlerDir);
  const outFile = resolve(cwd, options.out ?? DEFAULT_API_FILE);
  const handlers = await listHandlerFiles(handlerDir);
  await mkdir(dirname(outFile), { recursive: true });
  await writeFile(outFile, renderApiDeclaration(handlers, outFile));
  return `wrote ${outFile} (${handlers.length} handler${handlers.length === 1 ? '' : 's'})`;
}

/**
 * The AsyncAPI document of the handlers, as JSON text. Loads the handler files: the
 * payload schemas come from their `static schema`, which only exists at run time.
 */
export async function renderSpec(options: { handlerDir?: string }, cwd = process.cwd()): Promise<string> {
  const config = loadConfig(options.handlerDir === undefined ? {} : { handlerDir: resolve(cwd, options.handlerDir) }, { cwd });
  const discovered = await discoverHandlers(resolve(cwd, config.handlerDir));
  const handlers: SpecHandler[] = discovered.map(({ name, HandlerClass }) => ({
    name,
    hasServer: typeof HandlerClass.prototype.server === 'function',
    hasClient: typeof HandlerClass.prototype.client === 'function',
    skipAuth: HandlerClass.skipAuth === true,
    inputSchema: inputJsonSchema(HandlerClass.schema),
  }));
  const project = packageInfo(cwd);
  const document = buildAsyncApiDocument(handlers, {
    title: project.name ?? 'dropsocket server',
    version: project.version ?? '0.0.0',
    protocol: 'ws',
    host: `${config.host}:${config.port}`,
  });
  return JSON.stringify(document, null, 2);
}

/** `name` and `version` of the project's package.json, where it has them. */
function packageInfo(cwd: string): { name?: string; version?: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(resolve(cwd, 'package.json'), 'utf8'));
  } catch {
    return {};
  }
  const { name, version } = (parsed ?? {}) as Record<string, unknown>;
  return { ...(typeof name === 'string' && name !== '' && { name }), ...(typeof version === 'string' && version !== '' && { version }) };
}
