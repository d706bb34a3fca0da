/**
 * The shape of the one Noise pattern dropsocket speaks, NNpsk0 (rev 34, section 9.2),
 * shared by the node:crypto handshake (src/crypto/noise.ts) and the WebCrypto one
 * (src/crypto/web/web-handshake-state.ts), so both walk the same tokens in the same turns:
 *
 *   -> psk, e
 *   <- e, ee
 */

/** A Noise token of NNpsk0. */
export type NoiseToken = 'psk' | 'e' | 'ee';

/** The tokens of each handshake message, initiator first. */
export const NNPSK0_MESSAGE_PATTERNS: readonly (readonly NoiseToken[])[] = [['psk', 'e'], ['e', 'ee']];

/** Whether message `step` (0-based) is this side's to write; the initiator writes even steps. */
export function isWriteTurn(step: number, initiator: boolean): boolean {
  return (step % 2 === 0) === initiator;
}

/** Whether a side may take turn `step` now, writing or reading. */
export function canTakeTurn(step: number, initiator: boolean, writing: boolean): boolean {
  return step < NNPSK0_MESSAGE_PATTERNS.length && isWriteTurn(step, initiator) === writing;
}
