/**
 * Resolves the final options: a flag wins, then an answer, then the default.
 * The same walk over the schema serves interactive and non-interactive runs.
 */
import { UsageError } from './errors.ts';
import { controlCharacterProblem } from './rules.ts';
import { OPTIONS, flagName, type Environment, type OptionDef, type ProjectOptions } from './schema.ts';

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
) => Promise<ProjectOptions[K]>;

export interface ResolveSettings {
  env: Environment;
  /** Accept defaults for questions not answered by a flag. */
  yes?: boolean;
  /** Present in an interactive run. */
  ask?: Asker;
  /** Earlier answers, offered as the suggestion when going back to change them. */
  previous?: Partial<ProjectOptions>;
}

export async function resolveOptions(
  given: Partial<ProjectOptions>,
  { env, yes = false, ask, previous = {} }: ResolveSettings,
): Promise<ProjectOptions> {
  const resolved: Partial<ProjectOptions> = {};
  const missing: string[] = [];

  for (const def of OPTIONS as readonly OptionDef<keyof ProjectOptions>[]) {
    const applies = def.appliesTo?.(resolved) ?? true;
    const isGiven = given[def.key] !== undefined;
    let value: ProjectOptions[typeof def.key];

    if (isGiven && !applies) {
      throw new UsageError(`${flagName(def)} applies only ${def.appliesText ?? 'in another setup'}`);
    }
    if (isGiven) {
      value = given[def.key]!;
    } else {
      const fallback = def.defaultValue(resolved, env, given);
      const suggested = applies && previous[def.key] !== undefined ? previous[def.key]! : fallback;
      if (!applies || !def.question || yes) {
        value = fallback;
      } else if (ask) {
        value = await ask(def, suggested, resolved);
      } else {
        missing.push(flagName(def));
        value = fallback;
      }
    }

    const problem = applies ? valueProblem(def, value as never, resolved) : undefined;
    if (problem) throw new UsageError(problem);
    resolved[def.key] = value as never;
  }

  if (missing.length > 0) {
    throw new UsageError(
      `missing ${missing.join(', ')} (no terminal to ask in): give ${missing.length > 1 ? 'them' : 'it'}, or --yes to accept the defaults`,
    );
  }
  return resolved as ProjectOptions;
}
