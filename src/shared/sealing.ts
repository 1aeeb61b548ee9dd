/**
 * Sealing: a new secret is stored only encrypted, with AES-256-GCM (authenticated: a blob changed or
 * moved to another request does not open). The key is the operator's (`IAM_BOT_SEALING_KEY`, 32 bytes
 * in base64) and never stored beside what it seals. The envelope is `v1.<iv>.<tag>.<ciphertext>`
 * (base64url parts), the request id bound as additional data.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { IamBotError } from './errors.ts';

const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 'v1';

type SealingErrorCode = 'invalid_sealing_key' | 'unseal_failed';

export class SealingError extends IamBotError<SealingErrorCode> {
  override name = 'SealingError';

  constructor(message: string, code: SealingErrorCode) {
    super(code, message);
  }
}

/** The key `IAM_BOT_SEALING_KEY` holds, or a SealingError saying what is wrong with it (never quoting it). */
export function parseSealingKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, 'base64');
  // Node's decoder skips what is not base64: a value that does not encode back the same was not base64.
  const canonical = key.toString('base64');
  if (trimmed === '' || canonical.replace(/=+$/, '') !== trimmed.replace(/=+$/, '')) {
    throw new SealingError(
      'IAM_BOT_SEALING_KEY is not base64: give 32 random bytes in base64 (openssl rand -base64 32).',
      'invalid_sealing_key',
    );
  }
  if (key.length !== KEY_BYTES) {
    throw new SealingError(
      `IAM_BOT_SEALING_KEY decodes to ${key.length} bytes; it must be ${KEY_BYTES} (openssl rand -base64 32).`,
      'invalid_sealing_key',
    );
  }
  return key;
}

/** Seals `plaintext` for `context` (the request id): only the same key and context open it. */
export function seal(key: Buffer, plaintext: string, context: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [
    VERSION,
    iv.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
    ciphertext.toString('base64url'),
  ].join('.');
}

/** Opens an envelope `seal` made; a SealingError when the key, the context or the envelope is not the one it was sealed with. */
export function unseal(key: Buffer, envelope: string, context: string): string {
  const [version, iv, tag, ciphertext, ...rest] = envelope.split('.');
  if (version !== VERSION || iv === undefined || tag === undefined || ciphertext === undefined || rest.length > 0) {
    throw new SealingError(
      `The sealed secret of ${context} is not a ${VERSION} envelope; it cannot be opened.`,
      'unseal_failed',
    );
  }
  try {
    const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SealingError(
      `The sealed secret of ${context} does not open with this IAM_BOT_SEALING_KEY: the key is not the one it was sealed with (changed, or different on another replica), or the stored secret was altered.`,
      'unseal_failed',
    );
  }
}
