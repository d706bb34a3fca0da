/**
 * Which error a close before the session was ready maps to, with its likely cause. Pure,
 * free of node: imports: the Node and browser clients both use it.
 */
import { SocketError } from '../errors.js';
import { CLOSE_CODES } from '../protocol/constants.js';

/** Maps a close during connect to the error `init()` rejects with. */
const ERRORS_BY_CLOSE_CODE: Readonly<Record<number, 'AUTH_FAILED' | 'HANDSHAKE_FAILED' | 'PAYLOAD_TOO_LARGE' | 'MALFORMED_FRAME' | 'AUTH_TIMEOUT'>> = {
  [CLOSE_CODES.AUTH_FAILED]: 'AUTH_FAILED',
  [CLOSE_CODES.CRYPTO_FAILED]: 'HANDSHAKE_FAILED',
  [CLOSE_CODES.MESSAGE_TOO_BIG]: 'PAYLOAD_TOO_LARGE',
  [CLOSE_CODES.MALFORMED_FRAME]: 'MALFORMED_FRAME',
  [CLOSE_CODES.AUTH_TIMEOUT]: 'AUTH_TIMEOUT',
};

const SAME_ENCRYPTION = 'set SOCKET_ENCRYPTION the same on both sides';

/**
 * The likely cause of a close during connect, when the close code and this client's own
 * settings point to one: encryption on one side only gives 4002 (a plaintext client's
 * first frame is text) or 4004 (a plaintext server refuses the binary handshake frame).
 * Names settings only, never values.
 */
function likelyCause(code: number, encryption: boolean, established: boolean): string {
  if (code === CLOSE_CODES.CRYPTO_FAILED) {
    return encryption
      ? ': the auth keys probably differ (check SOCKET_AUTH_KEY on both sides)'
      : `: the server expects an encrypted handshake and this client has encryption off; ${SAME_ENCRYPTION}`;
  }
  if (code === CLOSE_CODES.MALFORMED_FRAME && encryption && !established) {
    return `: the server refused the encrypted handshake, so it probably has encryption off; ${SAME_ENCRYPTION}`;
  }
  return '';
}

/** The error for a socket that closed before the session was ready. */
export function errorForEarlyClose(code: number, context: { encryption: boolean; established: boolean }): SocketError {
  const mapped = ERRORS_BY_CLOSE_CODE[code];
  if (mapped === undefined) return new SocketError('DISCONNECTED', `The connection closed (${code})`);
  return new SocketError(mapped, `The server closed the connection (${code} ${mapped})${likelyCause(code, context.encryption, context.established)}`);
}
