import type { Template } from './render.ts';

/**
 * templates/ inside the bundle: scripts/build.mjs replaces this module with
 * every file inlined and every .hbs precompiled, so a run reads no template
 * from disk and loads no Handlebars compiler. From source there is nothing
 * embedded, and src/templates/load.ts reads and compiles the folder.
 */
export const EMBEDDED_TEMPLATES: ReadonlyMap<string, Template> | undefined = undefined;
