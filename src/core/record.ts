/**
 * The record of a generation, committed with the project at
 * .create-fly-fastapi/manifest.json: which generator and kit made it, and
 * every answer with where it came from. It is what a later run on the same
 * project reads back as a source of answers; `format` changes only when a
 * reader would misread the file, and `files` is where per-file state (the
 * hash and text last written) belongs.
 */
import type { AnswerOrigins } from '../options/resolve.ts';
import type { ProjectOptions } from '../options/schema.ts';
import type { KitSource } from '../kit/types.ts';

export const RECORD_PATH = '.create-fly-fastapi/manifest.json';
export const RECORD_FORMAT = 1;

export type FileOwner = 'create-fly-fastapi' | 'kit';

export interface GenerationRecord {
  format: typeof RECORD_FORMAT;
  generator: { name: 'create-fly-fastapi'; version: string };
  kit?: { name: string; version: string; source: string; kind: KitSource['kind'] };
  /** Every resolved answer but the directory, which is wherever the project now is. */
  answers: Omit<ProjectOptions, 'directory'>;
  origins: AnswerOrigins;
  /** Each file written, with who provides it; the kit's files are its own or replace ours. */
  files: Record<string, { owner: FileOwner }>;
}

export interface RecordInput {
  generatorVersion: string;
  options: ProjectOptions;
  origins?: AnswerOrigins;
  kit?: { name: string; version: string; source: KitSource };
  owners: ReadonlyMap<string, FileOwner>;
}

export function buildRecord({ generatorVersion, options, origins = {}, kit, owners }: RecordInput): GenerationRecord {
  const { directory: _where, ...answers } = options;
  const { directory: _origin, ...answerOrigins } = origins;
  return {
    format: RECORD_FORMAT,
    generator: { name: 'create-fly-fastapi', version: generatorVersion },
    ...(kit && { kit: { name: kit.name, version: kit.version, source: kit.source.spec, kind: kit.source.kind } }),
    answers,
    origins: answerOrigins,
    files: Object.fromEntries([...owners].sort(([a], [b]) => a.localeCompare(b)).map(([path, owner]) => [path, { owner }])),
  };
}

export function renderRecord(record: GenerationRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}
