/**
 * Text as an update compares it: CRLF and LF are the same text (git's
 * autocrlf, an editor's setting), so line endings alone are never an edit.
 */
import { createHash } from 'node:crypto';

export function normalizeEol(text: string): string {
  return text.replace(/\r\n/g, '\n');
}

export function usesCrlf(text: string): boolean {
  return text.includes('\r\n');
}

/** Writes `text` (LF) with the line endings the user's copy has. */
export function withEolOf(text: string, like: string | undefined): string {
  return like !== undefined && usesCrlf(like) ? normalizeEol(text).replace(/\n/g, '\r\n') : text;
}

export function sameText(a: string, b: string): boolean {
  return normalizeEol(a) === normalizeEol(b);
}

/** sha256 of the LF form, hex: what the record keeps for every file. */
export function textHash(text: string): string {
  return createHash('sha256').update(normalizeEol(text)).digest('hex');
}
