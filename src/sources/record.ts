/**
 * The record's answers as one more source in resolveAnswers: after the flags
 * (a flag given to --update changes that answer) and the kit's locks, before
 * the kit's defaults, so a newer kit's default never overrides an answer
 * already made. Fixed: an update asks no question the first run answered.
 */
import type { AnswerOrigins, AnswerSource } from '../options/resolve.ts';
import { UsageError } from '../errors.ts';
import { OPTIONS, flagName, type ProjectOptions } from '../options/schema.ts';
import { optionFromData } from '../options/values.ts';
import type { ReadRecord } from '../record/readRecord.ts';

/**
 * The record's answers, each read by its flag's own parser, as a kit's and
 * create()'s are: a record is a file anyone with the repository can edit, and
 * its values reach the Dockerfile and fly.toml. A bad one is refused (exit 2)
 * naming the record's key and the flag.
 */
function recordedAnswers(record: ReadRecord, shown: string): Partial<ProjectOptions> {
  const values: Record<string, unknown> = {};
  const answers: Record<string, unknown> = typeof record.answers === 'object' && record.answers !== null ? record.answers : {};
  for (const [key, value] of Object.entries(answers)) {
    if (value === undefined || value === null || key === 'directory') continue;
    const def = OPTIONS.find((option) => option.key === key);
    if (!def) throw new UsageError(`${shown} answers.${key}: not an option this version knows`);
    try {
      values[key] = optionFromData(def, value);
    } catch (error) {
      throw new UsageError(`${shown} answers.${key} (${flagName(def)}): ${(error as Error).message}`);
    }
  }
  return values as Partial<ProjectOptions>;
}

export function recordSource(record: ReadRecord, shown: string): AnswerSource {
  // launch and git stay as answered (the rerun line repeats them); an update itself never runs either.
  return {
    origin: 'record',
    fixed: true,
    values: recordedAnswers(record, shown),
    name: (def) => `${shown} answers.${def.key} (${flagName(def)})`,
    label: `the record in ${shown}`,
  };
}

/** An answer the record gave keeps the origin it was recorded with, so a run without flags rewrites no record. */
export function keptOrigins(record: ReadRecord, origins: AnswerOrigins): AnswerOrigins {
  const recorded = record.origins ?? {};
  return Object.fromEntries(Object.entries(origins).map(([key, origin]) => [key, origin === 'record' ? (recorded[key as keyof AnswerOrigins] ?? origin) : origin]));
}
