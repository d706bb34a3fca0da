/** Reads settings the way the CLI and the singletons do: code options, env, `.env`. */
import { readFileSync } from 'node:fs';
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

function readDotEnv(cwd: string): Record<string, string> {
  try {
    return dotenv.parse(readFileSync(resolve(cwd, '.env')));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
}
