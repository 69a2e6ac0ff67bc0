// Bundles the CLI and the programmatic API into dist/ so the published package
// has no runtime dependencies: `npm create` then downloads one tarball.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));

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
});

// Declarations for the programmatic API, emitted by tsc beside the bundle.
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
await writeFile(new URL('../dist/api.d.ts', import.meta.url), "export * from './types/api.js';\n");
