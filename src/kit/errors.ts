import { UsageError } from '../errors.ts';

/**
 * A kit that cannot be used: unreadable, malformed, invalid, or at odds with
 * the flags. Bad input like a bad flag (exit 2); the one-line message names the
 * kit file and key, or the source that could not be fetched.
 */
export class KitError extends UsageError {
  constructor(message: string) {
    super(message);
    this.name = 'KitError';
  }
}
