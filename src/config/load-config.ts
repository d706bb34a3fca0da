/** Reads settings the way the CLI and the singletons do: code options, env, `.env`. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import dotenv from 'dotenv';
import { resolveConfig, type Config, type ConfigOptions, type Environment } from './resolve-config.js';

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
  return resolveConfig(options, { ...readDotEnv(sources.cwd ?? process.cwd()), ...definedOnly(env) });
}

function readDotEnv(cwd: string): Record<string, string> {
  try {
    return dotenv.parse(readFileSync(resolve(cwd, '.env')));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
}

function definedOnly(env: Environment): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined) out[name] = value;
  return out;
}
