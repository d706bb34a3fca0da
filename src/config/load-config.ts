/** Reads settings the way the CLI and the singletons do: code options, env, `.env`. */
import { readFileSync, statSync, type Stats } from 'node:fs';
import { resolve } from 'node:path';
import dotenv from 'dotenv';
import { SETTINGS } from '../../config/environment.js';
import { resolveConfig, type Config, type ConfigOptions, type Environment } from './resolve-config.js';

/** The variables resolveConfig reads: one per setting, and NODE_ENV. */
const ENV_NAMES: readonly string[] = [...Object.values(SETTINGS).flatMap((row) => (row.env === null ? [] : [row.env])), 'NODE_ENV'];

/** Where {@link loadConfig} looks. */
export interface LoadConfigSources {
  /** Defaults to `process.env`. */
  env?: Environment;
  /** Folder holding `.env`; defaults to the working directory. */
  cwd?: string;
}

/**
 * Resolves settings from code options, then the environment, then `.env` in the working
 * directory (real environment variables win over `.env`, as dotenv does).
 * @throws SocketError `CONFIG_INVALID`
 */
export function loadConfig(options: ConfigOptions = {}, sources: LoadConfigSources = {}): Config {
  const env = sources.env ?? process.env;
  const dotEnv = readDotEnv(sources.cwd ?? process.cwd());
  // Only the variables settings read: copying all of process.env (each read a call into C++)
  // was a visible share of a client's construction in the load generator, one client per
  // connection.
  const merged: Record<string, string> = {};
  for (const name of ENV_NAMES) {
    const value = env[name] ?? dotEnv[name];
    if (value !== undefined) merged[name] = value;
  }
  return resolveConfig(options, merged);
}

/**
 * Parsed `.env` files by path, with the file's identity when it was read. A process that
 * makes a client per connection (a load generator, a service fanning out) would otherwise
 * open, read and parse the same file for every one: one stat now tells whether it changed.
 */
const dotEnvCache = new Map<string, { stamp: string; values: Record<string, string> }>();

function readDotEnv(cwd: string): Record<string, string> {
  const path = resolve(cwd, '.env');
  let stats: Stats | undefined;
  try {
    stats = statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    dotEnvCache.delete(path);
    return {};
  }
  const stamp = `${stats.ino}:${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}`;
  const cached = dotEnvCache.get(path);
  if (cached?.stamp === stamp) return cached.values;
  const values = dotenv.parse(readFileSync(path));
  dotEnvCache.set(path, { stamp, values });
  return values;
}
