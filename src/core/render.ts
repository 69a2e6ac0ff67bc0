/** Handlebars set up for source code: no HTML escaping, unknown variables are errors. */
import Handlebars from 'handlebars';

const handlebars = Handlebars.create();

/** A TOML basic string. JSON's escapes are a subset of TOML's. */
export function tomlString(value: unknown): string {
  return JSON.stringify(String(value));
}

/** A Python string literal. JSON's escapes are valid in Python source. */
export function pythonString(value: unknown): string {
  return JSON.stringify(String(value));
}

handlebars.registerHelper('toml', tomlString);
handlebars.registerHelper('py', pythonString);
handlebars.registerHelper('eq', (a: unknown, b: unknown) => a === b);

export function renderTemplate(source: string, context: object, name: string): string {
  try {
    return handlebars.compile(source, { noEscape: true, strict: true })(context);
  } catch (error) {
    throw new Error(`template ${name}: ${(error as Error).message}`);
  }
}
