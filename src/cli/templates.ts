/** The files `dropsocket init` writes. Pure: text in, text out. */

/** The scaffold's handler files, by path under the project folder. */
export const HANDLER_TEMPLATES: Readonly<Record<string, string>> = {
  'socket-handlers/auth.ts': `import { Handler, secretsEqual, type Connection } from 'dropsocket';

/**
 * Required: every connection's first request. A truthy return authenticates the connection;
 * falsy (or a throw) closes it with 4001. Look up users or tokens from \`data\` here.
 */
export default class Auth extends Handler {
  override server(data: unknown, connection: Connection): unknown {
    const { authKey } = (data ?? {}) as { authKey?: unknown };
    // Constant time: a plain === would tell an attacker how many characters matched.
    if (typeof authKey !== 'string' || !secretsEqual(authKey, this.socketServer.config.authKey)) return false;
    return { id: connection.id };
  }
}
`,
  'socket-handlers/echo.ts': `import { Handler } from 'dropsocket';

/** \`echo\`: answers with what it was sent. Add handlers as files beside this one. */
export default class Echo extends Handler {
  override server(data: unknown): unknown {
    return data ?? null;
  }
}
`,
};

/** `.env` with a fresh key: both \`serve\` and \`call\` read it from the working folder. */
export function envFile(authKey: string): string {
  return `# Read by dropsocket (serve and call) from this folder. Keep it out of version control.\nSOCKET_AUTH_KEY=${authKey}\n`;
}

/** A minimal package.json for a folder that has none. */
export function packageJson(name: string, dropsocketVersion: string): string {
  const safeName = name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+/, '') || 'dropsocket-app';
  return `${JSON.stringify({ name: safeName, private: true, type: 'module', dependencies: { dropsocket: `^${dropsocketVersion}` } }, null, 2)}\n`;
}

/** `.gitignore` with `.env` in it: the existing text plus the line, or undefined when already there. */
export function gitignoreWithEnv(existing: string | undefined): string | undefined {
  const lines = (existing ?? '').split(/\r?\n/).map((line) => line.trim());
  if (lines.some((line) => line === '.env' || line === '/.env')) return undefined;
  const prefix = existing === undefined || existing === '' ? '' : existing.endsWith('\n') ? existing : `${existing}\n`;
  return `${prefix}.env\n`;
}
