/**
 * Option values that arrive as data (a kit's TOML, the programmatic API)
 * rather than as flag text: turned into the flag's text and read by the
 * flag's own parser, so every route to a value is checked the same way.
 */
import { UsageError } from '../errors.ts';
import { OPTIONS, type OptionDef, type ProjectOptions } from './schema.ts';

/** The parsed value, or a UsageError whose one-line message the caller prefixes with where the value was. */
export function optionFromData(def: OptionDef, value: unknown): ProjectOptions[keyof ProjectOptions] {
  if (def.boolean) {
    if (typeof value !== 'boolean') throw new UsageError('must be true or false');
    return value;
  }
  let raw: string;
  if (typeof value === 'string') raw = value;
  else if (typeof value === 'number' && Number.isInteger(value)) raw = String(value);
  else if (def.key === 'regions' && Array.isArray(value) && value.every((item) => typeof item === 'string')) raw = value.join(',');
  else if (def.negated !== undefined && value === false) return def.negated;
  else throw new UsageError(def.key === 'regions' ? 'must be a list of region codes' : 'must be a string');
  if (raw.trim() === '') throw new UsageError('must not be empty');
  try {
    return def.parse ? def.parse(raw) : raw;
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/^--[\w-]+: /, ''));
  }
}

/**
 * The project options among an API call's input, each read by its flag's parser;
 * `control` names the call's own keys (directory, kit, callbacks), which are skipped.
 */
export function answersFromData(input: Record<string, unknown>, control: ReadonlySet<string>): Partial<ProjectOptions> {
  const given: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (control.has(key) || value === undefined) continue;
    const def = OPTIONS.find((candidate) => candidate.key === key);
    if (!def) throw new UsageError(`${key}: unknown option`);
    try {
      given[key] = optionFromData(def, value);
    } catch (error) {
      throw new UsageError(`${key}: ${(error as Error).message}`);
    }
  }
  return given as Partial<ProjectOptions>;
}

/** Project answers given as data (create(), update()): every option but the directory, each optional. */
export type ProjectAnswers = { [K in keyof Omit<ProjectOptions, 'directory'>]?: ProjectOptions[K] };
