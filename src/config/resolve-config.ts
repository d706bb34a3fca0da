/**
 * Turns code options and an environment into a validated, frozen Config. Pure: the
 * environment is an argument, so tests pass plain objects.
 */
import { SETTINGS, type SettingKey, type SettingValues } from '../../config/environment.js';
import { SocketError } from '../errors.js';
import { decodeGeneratedKey } from '../crypto/generated-key.js';
import { DEVELOPMENT_AUTH_KEY } from '../protocol/constants.js';
import { unknownOptionProblems } from './option-names.js';

/** Settings after resolution: derived defaults are filled in. */
export type Config = Readonly<
  Omit<SettingValues, 'address' | 'authKey' | 'heartBeatTimeout'> & {
    address: string;
    authKey: string;
    heartBeatTimeout: number;
    /** True when no auth key was configured and the public development key is in use. */
    usingDevelopmentKey: boolean;
  }
>;

/** Options accepted in code; the same keys as the settings table. */
export type ConfigOptions = { [K in SettingKey]?: SettingValues[K] | undefined };

/** An environment: variable name to value. */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Resolves every setting: code option, else environment variable, else default. An option
 * key that is not a setting is a problem too (with the closest key as a suggestion).
 * @throws SocketError `CONFIG_INVALID`, listing every problem at once.
 */
export function resolveConfig(options: ConfigOptions = {}, env: Environment = {}): Config {
  const problems: string[] = [];
  const values: Partial<Record<SettingKey, unknown>> = {};
  for (const key of Object.keys(SETTINGS) as SettingKey[]) {
    const row = SETTINGS[key];
    const fromCode = options[key];
    const fromEnv = row.env === null ? undefined : emptyAsUndefined(env[row.env]);
    const raw = fromCode !== undefined ? fromCode : fromEnv;
    if (raw === undefined) {
      values[key] = row.default;
      continue;
    }
    const parsed = (row.parse as (raw: unknown) => ReturnType<typeof row.parse>)(raw);
    if (parsed.ok) values[key] = parsed.value;
    else problems.push(describeProblem(key, fromCode !== undefined, parsed.expected, raw));
  }
  // Other keys are a typo or a setting that does not exist: never silently ignored.
  problems.push(...unknownOptionProblems(options, Object.keys(SETTINGS)));
  const settings = values as SettingValues;
  // Runs even when a value did not parse, so one error lists every problem. A setting that
  // failed to parse is missing here; the checks then compare against undefined and pass.
  problems.push(...checkRelations(settings, env));
  if (problems.length > 0) {
    throw new SocketError('CONFIG_INVALID', `Invalid settings:\n  - ${problems.join('\n  - ')}`);
  }
  return Object.freeze({
    ...settings,
    authData: Object.freeze({ ...settings.authData }),
    address: settings.address ?? `ws://localhost:${settings.port}`,
    authKey: settings.authKey ?? DEVELOPMENT_AUTH_KEY,
    heartBeatTimeout: settings.heartBeatTimeout ?? settings.heartBeatInterval,
    usingDevelopmentKey: settings.authKey === null,
  });
}

function emptyAsUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function describeProblem(key: SettingKey, fromCode: boolean, expected: string, raw: unknown): string {
  const source = fromCode ? `option "${key}"` : `${SETTINGS[key].env}`;
  // Keys are secrets, and an adapter URL may carry a password: name them, never echo them.
  const shown = key === 'authKey' || key === 'browserKey' || key === 'adapter' ? '' : ` (got ${JSON.stringify(raw)?.slice(0, 60) ?? String(raw)})`;
  return `${source} must be ${expected}${shown}`;
}

function checkRelations(settings: SettingValues, env: Environment): string[] {
  const problems: string[] = [];
  if (env.NODE_ENV === 'production' && (settings.authKey === null || settings.authKey === DEVELOPMENT_AUTH_KEY)) {
    problems.push('SOCKET_AUTH_KEY must be set to a key of your own when NODE_ENV=production (make one with `dropsocket keygen`)');
  }
  if (settings.reconnectMaxDelay < settings.reconnectBaseDelay) {
    problems.push('SOCKET_RECONNECT_MAX_DELAY must be >= SOCKET_RECONNECT_BASE_DELAY');
  }
  if (settings.sendBufferLimit < settings.maxPayload) {
    problems.push('SOCKET_SEND_BUFFER_LIMIT must be >= SOCKET_MAX_PAYLOAD');
  }
  problems.push(...checkBrowserKey(settings));
  if ((settings.tlsCert === null) !== (settings.tlsKey === null)) {
    problems.push('SOCKET_TLS_CERT and SOCKET_TLS_KEY must be set together (or neither)');
  }
  return problems;
}

function checkBrowserKey({ browserKey, authKey }: SettingValues): string[] {
  if (browserKey === null || browserKey === undefined) return [];
  // A page has no scrypt (WebCrypto), so its key must be usable as is.
  if (decodeGeneratedKey(browserKey) === undefined) return ['SOCKET_BROWSER_KEY must be a key made by `dropsocket keygen`'];
  // One key under two names would let a page pose as a service client.
  if (browserKey === (authKey ?? DEVELOPMENT_AUTH_KEY)) return ['SOCKET_BROWSER_KEY must differ from SOCKET_AUTH_KEY'];
  return [];
}
