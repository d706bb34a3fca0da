/** Command-line parsing for `dropsocket`. Pure: argv in, a command or an error out. */
import { parseArgs } from 'node:util';

/** Usage text printed by `dropsocket --help` and on bad arguments. */
export const USAGE = `Usage:
  dropsocket serve [--port N] [--host H] [--handlers DIR]   start the server
  dropsocket call REQUEST [JSON] [--port N] [--address URL] send one request, print the response
  dropsocket keygen                                         print a new random auth key

Settings come from SOCKET_* environment variables and .env; flags win over both.`;

/** A parsed command line. */
export type Command =
  | { name: 'serve'; port?: number; host?: string; handlerDir?: string }
  | { name: 'call'; request: string; data: unknown; port?: number; address?: string }
  | { name: 'keygen' }
  | { name: 'help' };

/** A command line that could not be parsed. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Parses `argv` (without node and the script). @throws UsageError */
export function parseCommand(argv: readonly string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        handlers: { type: 'string' },
        address: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [name, ...rest] = positionals;
  if (values.help === true || name === undefined || name === 'help') return { name: 'help' };
  switch (name) {
    case 'serve':
      expectArguments(name, rest, 0, 0);
      onlyFlags(name, values, ['port', 'host', 'handlers']);
      return { name, ...portOf(values.port), ...(values.host !== undefined && { host: values.host }), ...(values.handlers !== undefined && { handlerDir: values.handlers }) };
    case 'call':
      expectArguments(name, rest, 1, 2);
      onlyFlags(name, values, ['port', 'address']);
      return { name, request: rest[0]!, data: parseData(rest[1]), ...portOf(values.port), ...(values.address !== undefined && { address: values.address }) };
    case 'keygen':
      expectArguments(name, rest, 0, 0);
      onlyFlags(name, values, []);
      return { name };
    default:
      throw new UsageError(`Unknown command "${name}"`);
  }
}

function expectArguments(command: string, rest: readonly string[], min: number, max: number): void {
  if (rest.length < min || rest.length > max) throw new UsageError(`"${command}" takes ${min === max ? min : `${min} to ${max}`} argument(s)`);
}

/** Refuses flags that do not apply to `command` rather than ignoring them silently. */
function onlyFlags(command: string, values: Record<string, unknown>, allowed: readonly string[]): void {
  const stray = Object.keys(values).filter((flag) => flag !== 'help' && values[flag] !== undefined && !allowed.includes(flag));
  if (stray.length > 0) throw new UsageError(`"${command}" does not take --${stray.join(', --')}`);
}

function portOf(raw: string | undefined): { port?: number } {
  if (raw === undefined) return {};
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) throw new UsageError(`--port must be an integer from 0 to 65535 (got "${raw}")`);
  return { port };
}

function parseData(raw: string | undefined): unknown {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw new UsageError(`The data argument must be JSON (got ${JSON.stringify(raw.slice(0, 40))})`);
  }
}
