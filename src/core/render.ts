/**
 * What a template is to the pure core, and the Handlebars settings every .hbs
 * file is compiled with (in src/templates.ts, or ahead of time by the build).
 */

/** Text written as it is, or a compiled .hbs template that renders it from the context. */
export type Template = string | ((context: object) => string);

/** Source code, not HTML: nothing is escaped; a variable the context lacks is an error. */
export const COMPILE_OPTIONS = { noEscape: true, strict: true } as const;

/** A TOML basic string. JSON's escapes are a subset of TOML's. */
export function tomlString(value: unknown): string {
  return JSON.stringify(String(value));
}

/** A Python string literal. JSON's escapes are valid in Python source. */
export function pythonString(value: unknown): string {
  return JSON.stringify(String(value));
}

export const HELPERS = {
  toml: tomlString,
  py: pythonString,
  eq: (a: unknown, b: unknown) => a === b,
};
