/**
 * The record's answers as one more source in resolveAnswers: after the flags
 * (a flag given to --update changes that answer) and the kit's locks, before
 * the kit's defaults, so a newer kit's default never overrides an answer
 * already made. Fixed: an update asks no question the first run answered.
 */
import type { AnswerOrigins, AnswerSource } from '../options/resolve.ts';
import { flagName, type ProjectOptions } from '../options/schema.ts';
import type { ReadRecord } from '../record/readRecord.ts';

export function recordSource(record: ReadRecord, shown: string): AnswerSource {
  // launch and git stay as answered (the rerun line repeats them); an update itself never runs either.
  const values: Partial<ProjectOptions> = { ...record.answers };
  return {
    origin: 'record',
    fixed: true,
    values,
    name: (def) => `${shown} answers.${def.key} (${flagName(def)})`,
    label: `the record in ${shown}`,
  };
}

/** An answer the record gave keeps the origin it was recorded with, so a run without flags rewrites no record. */
export function keptOrigins(record: ReadRecord, origins: AnswerOrigins): AnswerOrigins {
  const recorded = record.origins ?? {};
  return Object.fromEntries(Object.entries(origins).map(([key, origin]) => [key, origin === 'record' ? (recorded[key as keyof AnswerOrigins] ?? origin) : origin]));
}
