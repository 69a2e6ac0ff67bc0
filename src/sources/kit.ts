/**
 * A starter kit's answers as sources for resolveAnswers: its locks come right
 * after the flags (fixed: a flag that contradicts one is refused), its
 * defaults after any saved record (a record's answer wins over a default).
 */
import { kitLabel, type Kit } from '../kit/types.ts';
import type { AnswerSource } from '../options/resolve.ts';

export function kitSources(kit: Kit): { locked: AnswerSource; defaults: AnswerSource } {
  const key = (table: string) => (def: { flag?: string }) => `${kit.file} [${table}] ${def.flag}`;
  return {
    locked: { origin: 'kit-lock', fixed: true, locks: true, values: kit.locked, name: key('locked'), label: kitLabel(kit) },
    defaults: { origin: 'kit-default', fixed: false, values: kit.defaults, name: key('defaults'), label: kitLabel(kit) },
  };
}

/** The sources after the flags for a new project, in their order: the kit's locks, then its defaults. */
export function kitAnswerSources(kit: Kit | undefined): AnswerSource[] {
  if (!kit) return [];
  const { locked, defaults } = kitSources(kit);
  return [locked, defaults];
}
