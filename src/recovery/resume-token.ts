/**
 * The resume token and the `resume` field of an auth request. Pure.
 *
 *   token = <connection id> "." <secret>      secret: 192 random bits, base64url
 *
 * The id half binds the token to one connection (a session is stored under its id); the
 * secret half is what the server compares, in constant time, with the one it issued. Ids
 * are base64url and dashes, so the first "." ends the id.
 */

/** A token split into its halves. */
export interface ResumeToken {
  readonly id: string;
  readonly secret: string;
}

/** What a client sends in `data.resume`. */
export interface ResumeRequest {
  readonly token: ResumeToken;
  /** The number of the last push the client received (0: none). */
  readonly seq: number;
}

/** Longest token accepted; anything longer is not one of ours. */
const MAX_TOKEN_LENGTH = 256;

/** The token for a session `id` with `secret`. */
export function formatResumeToken(id: string, secret: string): string {
  return `${id}.${secret}`;
}

/** Splits a token; undefined when it is not shaped like one. */
export function parseResumeToken(token: unknown): ResumeToken | undefined {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return undefined;
  const dot = token.indexOf('.');
  if (dot <= 0 || dot === token.length - 1) return undefined;
  return { id: token.slice(0, dot), secret: token.slice(dot + 1) };
}

/** Reads `data.resume` (`{token, seq}`); undefined when absent or malformed. */
export function parseResumeRequest(value: unknown): ResumeRequest | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const { token, seq } = value as Record<string, unknown>;
  const parsed = parseResumeToken(token);
  if (parsed === undefined || !Number.isSafeInteger(seq) || (seq as number) < 0) return undefined;
  return { token: parsed, seq: seq as number };
}
