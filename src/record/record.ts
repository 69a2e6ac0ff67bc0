/**
 * The record of a generation, committed with the project at
 * .create-fly-fastapi/manifest.json: which generator and kit made it, every
 * answer with where it came from, the dependencies it asked for, and per file
 * its owner, its mode and a hash, and for managed files the exact text last
 * written. With that text an update needs neither the old generator nor git
 * history: it is the base of a three-way merge.
 *
 * Format 1 (0.1.0) had no hashes and no texts. It is still read: every base
 * is then unknown, so an update cannot tell an edit of yours from a change of
 * ours, and any managed file that differs from the new text is a conflict
 * (never overwritten); seed files are kept. The record written afterwards is
 * format 2, so the next update merges again.
 */
import type { AnswerOrigins } from '../options/resolve.ts';
import type { ProjectOptions } from '../options/schema.ts';
import type { KitSource } from '../kit/types.ts';
import { fileMode, type FileMode, type FileOwner } from './fileModes.ts';
import { contentHash, isBytes, normalizeEol, type Content } from '../content.ts';

export const RECORD_PATH = '.create-fly-fastapi/manifest.json';
export const RECORD_FORMAT = 2;

export interface RecordedFile {
  owner: FileOwner;
  mode: FileMode;
  /** sha256 (hex) of the text with LF line endings, or of the bytes of a binary file. */
  sha256: string;
  /** Managed text files only: the text last written, LF line endings. */
  text?: string;
  /** Not text (a NUL in its first 8,000 bytes, or not UTF-8): copied exactly, never merged. */
  binary?: true;
  /** Written with its executable bit set (a kit's script). */
  executable?: true;
}

export interface Dependencies {
  main: string[];
  dev: string[];
}

/** What --adopt detected, so a later --update fits the same project without asking again. */
export interface AdoptionSettings {
  entrypoint: string;
  appDir: string;
  package: string | null;
  python: string;
  port: number;
  runtime: string[];
  releaseCommand: string | null;
  health: string;
}

export interface GenerationRecord {
  format: typeof RECORD_FORMAT;
  generator: { name: 'create-fly-fastapi'; version: string };
  kit?: { name: string; version: string; source: string; kind: KitSource['kind'] };
  /** 'adopted' when the record was made for a project we did not generate. */
  mode: 'generated' | 'adopted';
  /** mode 'adopted' only. */
  adoption?: AdoptionSettings;
  /** Every resolved answer but the directory, which is wherever the project now is. */
  answers: Omit<ProjectOptions, 'directory'>;
  origins: AnswerOrigins;
  /** What pyproject.toml asked for, so an update knows what to `uv remove`. */
  dependencies: Dependencies;
  /** Each file written, with who provides it; the kit's files are its own or replace ours. */
  files: Record<string, RecordedFile>;
}

export interface RecordInput {
  generatorVersion: string;
  options: ProjectOptions;
  origins?: AnswerOrigins;
  kit?: { name: string; version: string; source: KitSource };
  owners: ReadonlyMap<string, FileOwner>;
  /** The planned content of each owned path. */
  texts: ReadonlyMap<string, Content>;
  /** Paths written executable. */
  executables?: ReadonlySet<string>;
  /** Paths that are seeds whoever provides them (a kit's [files] once). */
  seeds?: ReadonlySet<string>;
  dependencies: Dependencies;
  mode?: GenerationRecord['mode'];
}

export function buildRecord(input: RecordInput): GenerationRecord {
  const { generatorVersion, options, origins = {}, kit, owners, texts, executables, seeds, dependencies, mode = 'generated' } = input;
  const { directory: _where, ...answers } = options;
  const { directory: _origin, ...answerOrigins } = origins;
  const files: Record<string, RecordedFile> = {};
  for (const [path, owner] of [...owners].sort(([a], [b]) => a.localeCompare(b))) {
    const content = texts.get(path) ?? '';
    const fileModeOf = seeds?.has(path) ? 'seed' : fileMode(path, owner);
    files[path] = {
      owner,
      mode: fileModeOf,
      sha256: contentHash(content),
      ...(isBytes(content) ? { binary: true as const } : fileModeOf === 'managed' && { text: normalizeEol(content) }),
      ...(executables?.has(path) && { executable: true as const }),
    };
  }
  return {
    format: RECORD_FORMAT,
    generator: { name: 'create-fly-fastapi', version: generatorVersion },
    ...(kit && { kit: { name: kit.name, version: kit.version, source: kit.source.spec, kind: kit.source.kind } }),
    mode,
    answers,
    origins: answerOrigins,
    dependencies,
    files,
  };
}

export function renderRecord(record: GenerationRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}
