/**
 * Every literal that travels on the wire or that both peers must agree on lives here;
 * no other module spells them. See docs/protocol.md.
 */

/** Request name of the authentication call, the first message a client sends. */
export const AUTH_REQUEST = 'auth';

/** Request name of the liveness ping a client sends and the server answers. */
export const HEARTBEAT_REQUEST = 'heartBeat';

/**
 * Envelope field of the session's sequence numbers (docs/protocol.md, "Recovery"): on a
 * push, its number in the session (1, 2, 3, ...); on a heartbeat answer, the server's
 * current position; on a client heartbeat, the last number the client received.
 */
export const SEQ_FIELD = 'seq';

/** Envelope field of the auth answer: `{token, epoch, seq, recovered?, reason?}`. */
export const RECOVERY_FIELD = 'recovery';

/** Field of the auth request's `data`: `{token, seq}` of the session to resume. */
export const RESUME_FIELD = 'resume';

/** Why a resume came back `recovered: false`; the auth answer's `recovery.reason`. */
export const RESUME_REFUSALS = {
  /** No session for this token: never issued, already used, or forgotten long ago. */
  UNKNOWN_TOKEN: 'unknown-token',
  /** The session was there, but its window had passed. */
  EXPIRED: 'expired',
  /** The push log was reset (Redis lost its data, a new cluster primary). */
  EPOCH_CHANGED: 'epoch-changed',
  /** Pushes the client missed are no longer kept (a cap, or the log was trimmed). */
  GAP: 'gap',
  /** The session is still open on a node that did not let go of it in time. */
  STILL_CONNECTED: 'still-connected',
  /** The store of sessions (the adapter) could not be reached. */
  UNAVAILABLE: 'unavailable',
  /** The server has recovery off (`SOCKET_RECOVERY_WINDOW=0`). */
  DISABLED: 'disabled',
} as const;

/** One of {@link RESUME_REFUSALS}. */
export type ResumeRefusal = (typeof RESUME_REFUSALS)[keyof typeof RESUME_REFUSALS];

/** Names a handler file may not take: the protocol owns them. */
export const RESERVED_REQUEST_NAMES: ReadonlySet<string> = new Set([HEARTBEAT_REQUEST]);

/**
 * Separates the messages of one record (one frame). JSON.stringify escapes every control
 * character inside strings and emits no whitespace between tokens, so a raw line feed can
 * only ever be a separator.
 */
export const RECORD_SEPARATOR = '\n';

/** Longest `request` name accepted in an envelope, in UTF-16 code units. */
export const MAX_REQUEST_NAME_LENGTH = 128;

/** Deepest JSON nesting accepted in an envelope; deeper frames are malformed. */
export const MAX_ENVELOPE_DEPTH = 64;

/** WebSocket close codes dropsocket uses; docs/close-codes.md lists when each is sent. */
export const CLOSE_CODES = {
  /** Normal closure: the peer closed on purpose. */
  NORMAL: 1000,
  /** The server is shutting down. */
  GOING_AWAY: 1001,
  /** A frame exceeded the maximum payload. */
  MESSAGE_TOO_BIG: 1009,
  /** Authentication failed, or a request that needs auth came before it. */
  AUTH_FAILED: 4001,
  /** The Noise handshake or the decryption of a frame failed. */
  CRYPTO_FAILED: 4002,
  /** No successful authentication within the auth timeout. */
  AUTH_TIMEOUT: 4003,
  /** The frame is not a well-formed envelope. */
  MALFORMED_FRAME: 4004,
  /** A rate, in-flight or send-buffer limit was exceeded. */
  LIMIT_EXCEEDED: 4008,
} as const;

/** One of the close codes above. */
export type CloseCode = (typeof CLOSE_CODES)[keyof typeof CLOSE_CODES];

/** Noise protocol name; exactly 32 bytes, so it is used as the initial hash unpadded. */
export const NOISE_PROTOCOL_NAME = 'Noise_NNpsk0_25519_AESGCM_SHA256';

/** Noise prologue: both peers mix it into the handshake hash, binding it to this protocol. */
export const PROTOCOL_PROLOGUE = 'dropsocket/1';

/** AES-GCM authentication tag appended to each encrypted frame. */
export const TAG_BYTES = 16;

/** Symmetric key and pre-shared key size. */
export const KEY_BYTES = 32;

/** X25519 public key size. */
export const DH_PUBLIC_KEY_BYTES = 32;

/** Size of each of the two handshake frames (an ephemeral key and the tag of an empty payload). */
export const HANDSHAKE_FRAME_BYTES = DH_PUBLIC_KEY_BYTES + TAG_BYTES;

/** Salt for stretching a human-chosen auth key into the PSK; fixed so both peers agree. */
export const PSK_SCRYPT_SALT = 'dropsocket/1 psk';

/**
 * Auth key used when none is configured outside production. Public by design (it is in the
 * source), so it protects nothing: both peers warn loudly while it is in use.
 */
export const DEVELOPMENT_AUTH_KEY = 'ZHJvcHNvY2tldC1kZXZlbG9wbWVudC1rZXktdjEhISE';

/**
 * scrypt cost parameters for stretching a human-chosen auth key into the PSK. Both peers
 * must use the same values, so changing them is a protocol change (bump the prologue).
 */
export const PSK_SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;

/** Largest Noise handshake message the spec allows (rev 34, section 3). */
export const NOISE_MAX_MESSAGE_BYTES = 65_535;
