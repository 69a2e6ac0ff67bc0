/**
 * What a template is to the pure core, and the Handlebars settings every .hbs
 * file is compiled with (in src/templates/load.ts, or ahead of time by the build), and the
 * rule that turns a template's path into the file's.
 */

/** Text or bytes written as they are, or a compiled .hbs template that renders text from the context. */
export type Template = string | Uint8Array | ((context: object) => string);

/** Templates keyed `<feature>/<path>`: what the plan is made from. */
export type TemplateFiles = ReadonlyMap<string, Template>;

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

/** "_gitignore" -> ".gitignore", "_github/x" -> ".github/x"; "__init__.py" stays. */
export function outputPath(templatePath: string): string {
  return templatePath
    .replace(/\.hbs$/, '')
    .split('/')
    .map((segment) => (/^_[^_]/.test(segment) ? `.${segment.slice(1)}` : segment))
    .join('/');
}
