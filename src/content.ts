/**
 * A file's content as the project holds it, and how an update compares it.
 * Text is what git would call text: no NUL in the first 8,000 bytes, and
 * valid UTF-8; it is compared with CRLF and LF as the same (git's autocrlf,
 * an editor's setting), so line endings alone are never an edit. Anything
 * else is bytes: copied exactly, compared by hash, never decoded or merged.
 */
import { createHash } from 'node:crypto';

export type Content = string | Uint8Array;

export function isBytes(content: unknown): content is Uint8Array {
  return content instanceof Uint8Array;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The bytes of a file as text when they are text, else the bytes themselves. */
export function contentOf(bytes: Uint8Array): Content {
  if (bytes.subarray(0, 8000).includes(0)) return bytes;
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return bytes;
  }
}

export function normalizeEol(text: string): string {
  return text.replace(/\r\n/g, '\n');
}

/** Every line break is CRLF: a CRLF checkout, whose endings an update keeps. A file with both kinds keeps each line's own. */
export function usesCrlf(text: string): boolean {
  return text.includes('\r\n') && !/(^|[^\r])\n/.test(text);
}

/** Writes `text` (as planned) with the line endings the user's copy has, when that copy is CRLF throughout. */
export function withEolOf(text: string, like: string | undefined): string {
  return like !== undefined && usesCrlf(like) ? normalizeEol(text).replace(/\n/g, '\r\n') : text;
}

export function sameText(a: string, b: string): boolean {
  return normalizeEol(a) === normalizeEol(b);
}

/** sha256 of the LF form, hex: what the record keeps for every text file. */
export function textHash(text: string): string {
  return createHash('sha256').update(normalizeEol(text)).digest('hex');
}

/** The record's hash of any content: of the LF form for text, of the bytes for bytes. */
export function contentHash(content: Content): string {
  return isBytes(content) ? createHash('sha256').update(content).digest('hex') : textHash(content);
}

export function sameContent(a: Content, b: Content): boolean {
  if (isBytes(a) || isBytes(b)) return isBytes(a) && isBytes(b) && Buffer.from(a).equals(Buffer.from(b));
  return sameText(a, b);
}
