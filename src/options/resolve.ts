/**
 * Resolves the final options from ordered sources of answers: the flags,
 * then the sources a run hands in (src/sources/: a kit's locks, a saved
 * record, an existing project's files, a kit's defaults), then a prompt,
 * then the built-in default. The same walk over the schema serves create,
 * update and adopt, interactive or not; each run's list of sources, in
 * order, is in its file under src/runs/.
 */
import { isDeepStrictEqual } from 'node:util';
import { UsageError } from '../errors.ts';
import { controlCharacterProblem } from './rules.ts';
import { OPTIONS, flagName, type Environment, type OptionDef, type ProjectOptions } from './schema.ts';

/** Where an answer came from; recorded, and shown in the summary. */
export type AnswerOrigin = 'flag' | 'kit-lock' | 'record' | 'project' | 'kit-default' | 'prompt' | 'default';
export type AnswerOrigins = Partial<Record<keyof ProjectOptions, AnswerOrigin>>;

/**
 * Answers from one place. A fixed source answers without asking; a suggested
 * one answers when nothing is asked and is preselected when a question is.
 * The first source (in the order given) holding a value decides.
 */
export interface AnswerSource {
  origin: Exclude<AnswerOrigin, 'prompt' | 'default'>;
  fixed: boolean;
  /** A value no earlier source may contradict (a kit's lock). */
  locks?: boolean;
  values: Partial<ProjectOptions>;
  /** How messages name this source's value for an option: `--regions`, `kit.toml [locked] regions`. */
  name(def: OptionDef): string;
  /** Who suggests, for the question: `kit acme-fastapi 1.4.0`. */
  label?: string;
}

/**
 * Every rule a value must meet, whoever gave it (a flag, an answer, a kit):
 * plain text first, then the option's own check. Returns one line.
 */
export function valueProblem<K extends keyof ProjectOptions>(
  def: OptionDef<K>,
  value: ProjectOptions[K],
  resolved: Partial<ProjectOptions>,
): string | undefined {
  const texts = Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
  const control = texts.map((text) => controlCharacterProblem(String(text))).find(Boolean);
  const problem = control ?? def.check?.(value, resolved);
  if (!problem) return undefined;
  return problem.startsWith('--') || problem.startsWith('[directory]') ? problem : `${flagName(def as OptionDef)}: ${problem}`;
}

/** Asks one question; injected so tests and the programmatic API need no terminal. */
export type Asker = <K extends keyof ProjectOptions>(
  def: OptionDef<K>,
  suggested: ProjectOptions[K],
  resolved: Partial<ProjectOptions>,
  /** Set when the suggestion is a source's (a kit default), not the built-in one. */
  suggestedBy?: string,
) => Promise<ProjectOptions[K]>;

export interface ResolveSettings {
  env: Environment;
  /** Accept defaults for questions not answered by a flag. */
  yes?: boolean;
  /** Present in an interactive run. */
  ask?: Asker;
  /** Earlier answers, offered as the suggestion when going back to change them. */
  previous?: Partial<ProjectOptions>;
  /** Sources after the flags, in order: kit lock, record, kit default. */
  sources?: readonly AnswerSource[];
}

export interface ResolvedAnswers {
  options: ProjectOptions;
  origins: AnswerOrigins;
}

export function flagSource(given: Partial<ProjectOptions>): AnswerSource {
  return { origin: 'flag', fixed: true, values: given, name: flagName };
}

function shown(value: unknown): string {
  return Array.isArray(value) ? value.join(',') : String(value);
}

export async function resolveAnswers(
  given: Partial<ProjectOptions>,
  { env, yes = false, ask, previous = {}, sources = [] }: ResolveSettings,
): Promise<ResolvedAnswers> {
  const all = [flagSource(given), ...sources];
  const resolved: Partial<ProjectOptions> = {};
  const origins: AnswerOrigins = {};
  const missing: string[] = [];

  for (const def of OPTIONS as readonly OptionDef<keyof ProjectOptions>[]) {
    const applies = def.appliesTo?.(resolved) ?? true;
    const holding = all.filter((source) => source.values[def.key] !== undefined);
    holding.forEach((lock, index) => {
      if (!lock.locks) return;
      const other = holding.slice(0, index).find((earlier) => !isDeepStrictEqual(earlier.values[def.key], lock.values[def.key]));
      if (other) {
        throw new UsageError(
          `${other.name(def)} ${shown(other.values[def.key])} contradicts ${lock.name(def)} = ${shown(lock.values[def.key])}`,
        );
      }
    });
    const first = holding[0];
    let value: ProjectOptions[typeof def.key];
    let origin: AnswerOrigin;

    if (first?.fixed && !applies && first.origin === 'flag') {
      throw new UsageError(`${flagName(def)} applies only ${def.appliesText ?? 'in another setup'}`);
    }
    if (first?.fixed && applies) {
      value = first.values[def.key]!;
      origin = first.origin;
    } else {
      // A kit's lock or default for an option that does not apply here (org without --launch) waits unused.
      const suggestion = applies && first && !first.fixed ? first : undefined;
      const fallback = suggestion ? suggestion.values[def.key]! : def.defaultValue(resolved, env, given);
      origin = suggestion ? suggestion.origin : 'default';
      const suggested = applies && previous[def.key] !== undefined ? previous[def.key]! : fallback;
      if (!applies || !def.question || yes) {
        value = fallback;
      } else if (ask) {
        value = await ask(def, suggested, resolved, suggestion?.label);
        if (!suggestion || !isDeepStrictEqual(value, fallback)) origin = 'prompt';
      } else if (!suggestion) {
        missing.push(flagName(def));
        value = fallback;
      } else {
        value = fallback;
      }
    }

    const problem = applies ? valueProblem(def, value as never, resolved) : undefined;
    if (problem) {
      // A kit's value is named by the kit file and key, not by the flag it stands for.
      const source = all.find((candidate) => candidate.origin === origin);
      if (source && origin !== 'flag') throw new UsageError(`${source.name(def)}: ${problem.replace(/^--[\w-]+: /, '')}`);
      throw new UsageError(problem);
    }
    resolved[def.key] = value as never;
    origins[def.key] = origin;
  }

  if (missing.length > 0) {
    throw new UsageError(
      `missing ${missing.join(', ')} (no terminal to ask in): give ${missing.length > 1 ? 'them' : 'it'}, or --yes to accept the defaults`,
    );
  }
  return { options: resolved as ProjectOptions, origins };
}

/** The options alone, for callers that do not need to know where each answer came from. */
export async function resolveOptions(given: Partial<ProjectOptions>, settings: ResolveSettings): Promise<ProjectOptions> {
  return (await resolveAnswers(given, settings)).options;
}
