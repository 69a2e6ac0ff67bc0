/**
 * Reading a record back (pure: the text in, the record or a one-line problem
 * out). Format 1 is lifted to format 2 with every base unknown (see record.ts);
 * a larger format, or a generator newer than this one, is refused by the caller.
 */
import { projectPathProblem } from '../options/rules.ts';
import type { FileOwner } from './fileModes.ts';
import type { Dependencies, GenerationRecord, RecordedFile } from './record.ts';

/** A record as read: format 1's files have no hash or text. */
export interface ReadRecord extends Omit<GenerationRecord, 'format' | 'files' | 'dependencies'> {
  format: number;
  files: Record<string, Partial<RecordedFile> & { owner: FileOwner }>;
  dependencies?: Dependencies;
}

export class RecordError extends Error {}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseRecord(text: string, shown: string): ReadRecord {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new RecordError(`${shown}: not JSON (${(error as Error).message})`);
  }
  if (!isObject(data) || typeof data.format !== 'number' || !Number.isInteger(data.format) || data.format < 1) {
    throw new RecordError(`${shown}: not a create-fly-fastapi record (no format)`);
  }
  // A newer format is returned as it is: the caller refuses it by the generator version it names.
  if (data.format > 2) return data as unknown as ReadRecord;
  const generator = data.generator;
  if (!isObject(generator) || typeof generator.version !== 'string') throw new RecordError(`${shown}: generator.version is missing`);
  if (!isObject(data.answers)) throw new RecordError(`${shown}: answers are missing`);
  if (!isObject(data.files)) throw new RecordError(`${shown}: files are missing`);
  for (const [path, entry] of Object.entries(data.files)) {
    // Checked where it enters: an update removes and writes at these paths.
    const problem = projectPathProblem(path);
    if (problem) throw new RecordError(`${shown}: files[${JSON.stringify(path)}] ${problem}`);
    if (!isObject(entry) || (entry.owner !== 'create-fly-fastapi' && entry.owner !== 'kit')) throw new RecordError(`${shown}: files["${path}"] has no owner`);
    if (entry.text !== undefined && typeof entry.text !== 'string') throw new RecordError(`${shown}: files["${path}"].text is not text`);
    if (entry.sha256 !== undefined && (typeof entry.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(entry.sha256))) throw new RecordError(`${shown}: files["${path}"].sha256 is not a sha256`);
    if (entry.binary !== undefined && entry.binary !== true) throw new RecordError(`${shown}: files["${path}"].binary is not true`);
    if (entry.executable !== undefined && entry.executable !== true) throw new RecordError(`${shown}: files["${path}"].executable is not true`);
    if (entry.mode !== undefined && entry.mode !== 'managed' && entry.mode !== 'seed') throw new RecordError(`${shown}: files["${path}"].mode is neither managed nor seed`);
  }
  return { mode: 'generated', origins: {}, ...data } as unknown as ReadRecord;
}
