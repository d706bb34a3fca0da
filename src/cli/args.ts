/** Command-line parsing for `dropsocket`. Pure: argv in, a command or an error out. */
import { parseArgs } from 'node:util';

/** Usage text printed by `dropsocket --help` and on bad arguments. */
export const USAGE = `Usage:
  dropsocket serve [--port N] [--host H] [--handlers DIR]   start the server
        [--workers N|auto]                                  N worker processes on one port (SOCKET_WORKERS)
  dropsocket call REQUEST [JSON] [--port N | --address URL] send one request, print the response
  dropsocket init [DIR]                                     scaffold a project: handlers, .env with a new key
  dropsocket keygen                                         print a new random auth key
  dropsocket types [--out FILE] [--handlers DIR]            write the typed Api of the handlers (dropsocket-api.d.ts)
  dropsocket spec [--handlers DIR]                          print an AsyncAPI 3.0 document of the handlers
  dropsocket --version                                      print the version

Settings come from SOCKET_* environment variables and .env; flags win over both.
\`dropsocket COMMAND --help\` shows one command.`;

/** Usage of each command, for `dropsocket COMMAND --help`. */
export const COMMAND_USAGE = {
  serve: `Usage: dropsocket serve [--port N] [--host H] [--handlers DIR] [--workers N|auto]

Serves the handler files in DIR (default ./socket-handlers, or SOCKET_HANDLER_DIR) and prints
"listening on ws://HOST:PORT" (wss:// with SOCKET_TLS_CERT) once ready. SIGINT/SIGTERM shut down gracefully (exit 0).
  --port N         port to listen on, 0 for any free one (SOCKET_PORT, default 2667)
  --host H         interface to bind (SOCKET_HOST, default 127.0.0.1)
  --handlers DIR   handler folder (SOCKET_HANDLER_DIR)
  --workers N      N worker processes sharing the port, or auto (one per CPU); the primary
                   restarts a crashed worker and drains all on SIGTERM (SOCKET_WORKERS, default 1)`,
  call: `Usage: dropsocket call REQUEST [JSON] [--port N | --address URL]

Connects with the same settings as serve (SOCKET_AUTH_KEY, SOCKET_ENCRYPTION, .env),
authenticates, sends one request and prints the response as JSON. On error prints
"error CODE: message" on stderr and exits 1.
  --port N         the server's port on this machine (replaces the port of SOCKET_ADDRESS)
  --address URL    the server's ws:// or wss:// URL (SOCKET_ADDRESS); not with --port
A JSON argument that starts with - goes after --:  dropsocket call add -- -1`,
  init: `Usage: dropsocket init [DIR]

Writes socket-handlers/auth.ts and echo.ts, a .env with a new SOCKET_AUTH_KEY (added to
.gitignore) and, where there is none, a package.json. Never overwrites a file.`,
  keygen: `Usage: dropsocket keygen

Prints a new random auth key (32 bytes, base64url) for SOCKET_AUTH_KEY.`,
  types: `Usage: dropsocket types [--out FILE] [--handlers DIR]

Writes a declaration file whose default export is the type Api of the handlers: each
request name with its input and output type. \`import type Api from './dropsocket-api.js'\`
then makes \`SocketClient<Api>\` check names, data and results at compile time.
  --out FILE       where to write (default dropsocket-api.d.ts)
  --handlers DIR   handler folder (SOCKET_HANDLER_DIR)`,
  spec: `Usage: dropsocket spec [--handlers DIR]

Prints an AsyncAPI 3.0 document of the handlers on stdout: one channel per request name,
payload schemas where a handler's schema converts to JSON Schema. Loads the handler files.
  --handlers DIR   handler folder (SOCKET_HANDLER_DIR)`,
} as const;

type CommandName = keyof typeof COMMAND_USAGE;

/** A parsed command line. */
export type Command =
  | { name: 'serve'; port?: number; host?: string; handlerDir?: string; workers?: number | 'auto' }
  | { name: 'call'; request: string; data: unknown; port?: number; address?: string }
  | { name: 'init'; dir: string }
  | { name: 'keygen' }
  | { name: 'types'; out?: string; handlerDir?: string }
  | { name: 'spec'; handlerDir?: string }
  | { name: 'version' }
  | { name: 'help'; command?: CommandName };

/** A command line that could not be parsed. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Flags that take a value (kept in step with the parseArgs options below). */
const VALUE_FLAGS = ['port', 'host', 'handlers', 'address', 'out'] as const;

/** Parses `argv` (without node and the script). @throws UsageError */
export function parseCommand(argv: readonly string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: joinDashedValues(argv),
      allowPositionals: true,
      strict: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        handlers: { type: 'string' },
        workers: { type: 'string' },
        address: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [name, ...rest] = positionals;
  if (values.version === true || name === 'version') return { name: 'version' };
  if (name === undefined || name === 'help') return { name: 'help', ...(isCommandName(rest[0]) && { command: rest[0] }) };
  if (!isCommandName(name)) throw new UsageError(`Unknown command "${name}"`);
  if (values.help === true) return { name: 'help', command: name };
  switch (name) {
    case 'serve':
      expectArguments(name, rest, 0, 0);
      onlyFlags(name, values, ['port', 'host', 'handlers', 'workers']);
      return {
        name,
        ...portOf(values.port),
        ...(values.host !== undefined && { host: values.host }),
        ...(values.handlers !== undefined && { handlerDir: values.handlers }),
        ...workersOf(values.workers),
      };
    case 'call':
      expectArguments(name, rest, 1, 2);
      onlyFlags(name, values, ['port', 'address']);
      if (values.port !== undefined && values.address !== undefined) throw new UsageError('"call" takes --port or --address, not both: --address already names the port');
      return { name, request: rest[0]!, data: parseData(rest[1]), ...portOf(values.port), ...(values.address !== undefined && { address: values.address }) };
    case 'init':
      expectArguments(name, rest, 0, 1);
      onlyFlags(name, values, []);
      return { name, dir: rest[0] ?? '.' };
    case 'keygen':
      expectArguments(name, rest, 0, 0);
      onlyFlags(name, values, []);
      return { name };
    case 'types':
      expectArguments(name, rest, 0, 0);
      onlyFlags(name, values, ['out', 'handlers']);
      return { name, ...(values.out !== undefined && { out: values.out }), ...(values.handlers !== undefined && { handlerDir: values.handlers }) };
    case 'spec':
      expectArguments(name, rest, 0, 0);
      onlyFlags(name, values, ['handlers']);
      return { name, ...(values.handlers !== undefined && { handlerDir: values.handlers }) };
  }
}

function isCommandName(name: string | undefined): name is CommandName {
  return name !== undefined && Object.hasOwn(COMMAND_USAGE, name);
}

/**
 * `--port -1` reads to parseArgs as a flag missing its value ("ambiguous"); a value that
 * looks like a negative number is joined to its flag so that the flag's own check can say
 * what is wrong with it.
 */
function joinDashedValues(argv: readonly string[]): string[] {
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (VALUE_FLAGS.some((flag) => arg === `--${flag}`) && next !== undefined && /^-\d/.test(next)) {
      args.push(`${arg}=${next}`);
      i += 1;
    } else {
      args.push(arg);
    }
  }
  return args;
}

function expectArguments(command: string, rest: readonly string[], min: number, max: number): void {
  if (rest.length < min || rest.length > max) throw new UsageError(`"${command}" takes ${min === max ? min : `${min} to ${max}`} argument(s)`);
}

/** Refuses flags that do not apply to `command` rather than ignoring them silently. */
function onlyFlags(command: string, values: Record<string, unknown>, allowed: readonly string[]): void {
  const stray = Object.keys(values).filter((flag) => flag !== 'help' && flag !== 'version' && values[flag] !== undefined && !allowed.includes(flag));
  if (stray.length > 0) throw new UsageError(`"${command}" does not take --${stray.join(', --')}`);
}

function portOf(raw: string | undefined): { port?: number } {
  if (raw === undefined) return {};
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) throw new UsageError(`--port must be an integer from 0 to 65535 (got "${raw}")`);
  return { port };
}

function workersOf(raw: string | undefined): { workers?: number | 'auto' } {
  if (raw === undefined) return {};
  if (raw === 'auto') return { workers: 'auto' };
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 1024) throw new UsageError(`--workers must be an integer from 1 to 1024, or "auto" (got "${raw}")`);
  return { workers: Number(raw) };
}

function parseData(raw: string | undefined): unknown {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw new UsageError(`The data argument must be JSON (got ${JSON.stringify(raw.slice(0, 40))})`);
  }
}
