/** The template folders shipped in the package, ready for the pure core. */
import { readFile, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TemplateFiles } from './render.ts';
import { COMPILE_OPTIONS, HELPERS, type Template } from './render.ts';
import { EMBEDDED_TEMPLATES } from './embedded.ts';

/**
 * templates/ beside src/ in a checkout. The published package does not ship
 * the folder: its bundle carries every template, precompiled.
 */
const TEMPLATES_DIR = fileURLToPath(new URL('../../templates', import.meta.url));

async function readFolder(dir: string): Promise<Map<string, string>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const pairs = await Promise.all(
    entries
      .filter((entry) => entry.isFile())
      .map(async (entry) => {
        const full = join(entry.parentPath, entry.name);
        return [relative(dir, full).split(sep).join('/'), await readFile(full, 'utf8')] as const;
      }),
  );
  return new Map(pairs);
}

/** Render errors name the template they come from. */
function named(key: string, template: Template): Template {
  if (typeof template !== 'function') return template;
  return (context) => {
    try {
      return template(context);
    } catch (error) {
      throw new Error(`template ${key}: ${(error as Error).message}`);
    }
  };
}

/**
 * Every template, keyed "<feature>/<path>": files as text, `.hbs` files
 * compiled. Without `dir`, the bundle's own precompiled copy (or, from
 * source, templates/); a `dir` of the same layout is read and compiled with
 * the full Handlebars, which only then is loaded.
 */
export async function loadTemplates(dir?: string): Promise<TemplateFiles> {
  let templates: ReadonlyMap<string, Template> | undefined = dir === undefined ? EMBEDDED_TEMPLATES : undefined;
  templates ??= await compileTemplates(await readFolder(dir ?? TEMPLATES_DIR));
  const keys = [...templates.keys()].sort((a, b) => a.localeCompare(b));
  return new Map(keys.map((key) => [key, named(key, templates.get(key)!)]));
}

/**
 * Texts keyed by path, `.hbs` ones compiled with the full Handlebars (loaded
 * only now) and our helpers: the same rules for our folders and a kit's files/.
 */
export async function compileTemplates(sources: ReadonlyMap<string, string | Uint8Array>): Promise<Map<string, Template>> {
  const { default: Handlebars } = await import('handlebars');
  const handlebars = Handlebars.create();
  handlebars.registerHelper(HELPERS);
  // A template's {{log}} would print to the terminal of whoever runs us (or a program using the API): it says nothing here.
  handlebars.registerHelper('log', () => '');
  return new Map(
    [...sources].map(([key, text]) => [key, key.endsWith('.hbs') && typeof text === 'string' ? handlebars.compile(text, COMPILE_OPTIONS) : text] as const),
  );
}
