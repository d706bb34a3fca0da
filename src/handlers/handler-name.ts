/** Handler names from file paths, as DESIGN.md defines them. Pure. */
import { camelCase } from 'change-case';

/** Extensions that load as handlers (TypeScript through tsx). */
export const HANDLER_EXTENSIONS = ['ts', 'mts', 'js', 'mjs'] as const;

const EXTENSION = /\.(?:ts|mts|js|mjs)$/;

/**
 * Whether a path relative to the handler folder is a handler file: a loadable extension,
 * not a declaration or test file, and no segment starting with `_` or `.` (private helpers
 * and hidden files live beside handlers without becoming handlers).
 */
export function isHandlerFile(relativePath: string): boolean {
  const segments = relativePath.split(/[\\/]/);
  const file = segments.at(-1) ?? '';
  if (!EXTENSION.test(file) || /\.d\.m?ts$/.test(file) || /\.test\./.test(file)) return false;
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
