// Bundles the CLI and the programmatic API into dist/ so the published package
// has no runtime dependencies: `npm create` then downloads one tarball.
import { build } from 'esbuild';
import Handlebars from 'handlebars';
import { execFileSync } from 'node:child_process';
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * src/templates/embedded.ts, replaced by templates/ inlined: text files as
 * strings, .hbs files precompiled with the options src/templates/render.ts gives and
 * bound to a Handlebars runtime with its helpers. Runs then read no template
 * from disk and never load the Handlebars compiler.
 */
const embedTemplates = {
  name: 'embed-templates',
  setup(esbuild) {
    esbuild.onLoad({ filter: /[\\/]src[\\/]templates[\\/]embedded\.ts$/ }, async () => {
      const dir = join(root, 'templates');
      const entries = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile());
      const options = { noEscape: true, strict: true };
      const render = await readFile(join(root, 'src/templates/render.ts'), 'utf8');
      if (!render.includes('COMPILE_OPTIONS = { noEscape: true, strict: true }')) throw new Error('scripts/build.mjs: keep its compile options equal to src/templates/render.ts');
      const items = [];
      for (const entry of entries) {
        const full = join(entry.parentPath, entry.name);
        const key = relative(dir, full).split(sep).join('/');
        const text = await readFile(full, 'utf8');
        const value = key.endsWith('.hbs') ? `handlebars.template(${Handlebars.precompile(text, options)})` : JSON.stringify(text);
        items.push(`  [${JSON.stringify(key)}, ${value}],`);
      }
      return {
        loader: 'ts',
        resolveDir: join(root, 'src/templates'),
        watchFiles: entries.map((entry) => join(entry.parentPath, entry.name)),
        contents: [
          "import Handlebars from 'handlebars/runtime';",
          "import { HELPERS } from './render.ts';",
          'const handlebars = Handlebars.create();',
          'handlebars.registerHelper(HELPERS);',
          'export const EMBEDDED_TEMPLATES = new Map([',
          ...items,
          ']);',
        ].join('\n'),
      };
    });
  },
};

await rm(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli.ts', api: 'src/api.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  minify: true,
  legalComments: 'linked',
  define: { __VERSION__: JSON.stringify(pkg.version) },
  // Bundled CommonJS dependencies (handlebars, fs-extra) call require().
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
  plugins: [embedTemplates],
});

// Declarations for the programmatic API, emitted by tsc beside the bundle.
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
await writeFile(new URL('../dist/api.d.ts', import.meta.url), "export * from './types/api.js';\n");
