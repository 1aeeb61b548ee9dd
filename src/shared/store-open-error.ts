/**
 * The storage (a data directory, a database) cannot be used: thrown by every store and by the files they
 * read, so it lives where every layer may import it.
 */
import { IamBotError } from './errors.ts';

/** Why storage cannot be used, for callers that branch on it. */
type StoreOpenCode =
  /** Another process holds the directory. */
  | 'in_use'
  /** A file does not read as iam-bot wrote it. */
  | 'damaged'
  /** The directory belongs to the other world (production or sandbox). */
  | 'wrong_world'
  /** The audit log no longer reaches the last entry the store recorded. */
  | 'audit_loss'
  /** The file system refused (read-only, permissions, full disk). */
  | 'storage';

/** The storage cannot be used as it is; start-up stops with this message. */
export class StoreOpenError extends IamBotError<StoreOpenCode> {
  override name = 'StoreOpenError';

  constructor(message: string, code: StoreOpenCode = 'damaged', options?: ErrorOptions) {
    super(code, message, options);
  }
}
