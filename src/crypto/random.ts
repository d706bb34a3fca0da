import { randomBytes } from 'node:crypto';

const ID_PREFIX_BYTES = 8;

/** 8 random bytes as base64url (11 characters): makes connection ids unique across nodes. */
export function randomIdPrefix(): string {
  return randomBytes(ID_PREFIX_BYTES).toString('base64url');
}

const RESUME_SECRET_BYTES = 24;

/** 24 random bytes (192 bits) as base64url: the secret half of a resume token. */
export function randomResumeSecret(): string {
  return randomBytes(RESUME_SECRET_BYTES).toString('base64url');
}
