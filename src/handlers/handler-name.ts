/** Handler names from file paths, as DESIGN.md defines them. Pure. */
import { camelCase } from 'change-case';

/** Extensions that load as handlers (TypeScript through tsx). */
export const HANDLER_EXTENSIONS = ['ts', 'mts', 'cts', 'js', 'mjs', 'cjs'] as const;

/** Extensions that only TypeScript (tsx) can load. */
export const TYPESCRIPT_EXTENSIONS = ['ts', 'mts', 'cts'] as const;

/**
 * Extensions that look like handlers but cannot be: JSX needs a UI runtime, not a socket
 * server. Discovery names such files in a warning instead of ignoring them silently.
 */
export const UNSUPPORTED_EXTENSIONS = ['tsx', 'jsx'] as const;

const EXTENSION = /\.(?:[mc]?ts|[mc]?js)$/;
const DECLARATION = /\.d\.[mc]?ts$/;

/**
 * Whether a path relative to the handler folder is a handler file: a loadable extension,
 * not a declaration or test file, and no segment starting with `_` or `.` (private helpers
 * and hidden files live beside handlers without becoming handlers).
 */
export function isHandlerFile(relativePath: string): boolean {
  return EXTENSION.test(relativePath) && isCandidate(relativePath);
}

/** Whether a file would be a handler but for its extension (`.tsx`, `.jsx`). */
export function isUnsupportedHandlerFile(relativePath: string): boolean {
  return /\.[jt]sx$/.test(relativePath) && isCandidate(relativePath);
}

/** Whether the file must go through the TypeScript loader. */
export function isTypeScriptFile(path: string): boolean {
  return /\.[mc]?ts$/.test(path) && !DECLARATION.test(path);
}

function isCandidate(relativePath: string): boolean {
  const segments = relativePath.split(/[\\/]/);
  const file = segments.at(-1) ?? '';
  if (DECLARATION.test(file) || /\.test\./.test(file)) return false;
  return segments.every((segment) => segment !== '' && !segment.startsWith('_') && !segment.startsWith('.'));
}

/** `room/join-game.ts` -> `room.joinGame`: kebab-case to camelCase per segment, joined with `.`. */
export function handlerNameFromPath(relativePath: string): string {
  return relativePath
    .replace(EXTENSION, '')
    .split(/[\\/]/)
    .map((segment) => camelCase(segment))
    .join('.');
}
