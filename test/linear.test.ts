/**
 * Every parser of text we do not control (flags, a record, a kit's values,
 * an adopted project's files, flyctl's output) takes time in proportion to
 * its input: long and hostile strings, each parsed within a bound that a
 * parser quadratic in its input cannot meet at this length. The first test
 * shows the bound catching one (the credential check kits used to have).
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fastapiAssignments, factories, getRoutes, importedModules, servedFolders, topLevelAssignments, topLevelFunctions } from '../src/adopt/pythonSource.ts';
import { commandPort, dockerfileCommand, dockerfilePort, procfileWeb, readFlyToml } from '../src/adopt/existing.ts';
import { entrypointInCommand } from '../src/adopt/entrypoint.ts';
import { readPyProject } from '../src/adopt/pyproject.ts';
import { findAlembic } from '../src/adopt/runtime.ts';
import { parseSpecifier } from '../src/adopt/specifier.ts';
import { hasUrlCredentials, loadKit } from '../src/kit/load.ts';
import { parseArgs } from '../src/options/args.ts';
import { CONTROL_FLAGS } from '../src/options/runFlags.ts';
import { appNameProblem, controlCharacterProblem, kitSourceProblem, normalizePackageName, projectPathProblem, requirementName } from '../src/options/rules.ts';
import { OPTIONS } from '../src/options/schema.ts';
import { parseRecord } from '../src/record/readRecord.ts';
import { declared } from '../src/reconcile/dependencies.ts';
import { maskSecrets } from '../src/steps/launch.ts';
import { tempDir } from './helpers/cli.ts';

/** Characters long; and the time one parse of that may take (a quadratic parser needs seconds). */
const LENGTH = 100_000;
const BOUND_MS = 1_000;

/** Runs of what parsers look for, each repeated to LENGTH: where backtracking hides. */
const UNITS = ['a', 'a-', 'a.', 'a:', '://', 'a://', ' a', '\t', '@', 'a@', '"', "'", '[', '[a', '=', '==', ',', '/', 'a/', '\\', '(', 'app.', 'import a.', '# a', '${', '{{', '\n', '\r\n', '--port ', 'uvicorn ', 'x=FastAPI(', '@app.get("', 'def a(', 'def a(\n', 'def a(x\n', 'async def a(', 'StaticFiles(', 'StaticFiles(\n', 'Jinja2Templates(directory=', 'a: b', 'script_location', 'EXPOSE ', 'web: ', 'from . import ', '0'];

function hostile(): string[] {
  return UNITS.map((unit) => unit.repeat(Math.ceil(LENGTH / unit.length)).slice(0, LENGTH));
}

function timed(name: string, parse: (text: string) => unknown, text: string): void {
  const start = performance.now();
  try {
    parse(text);
  } catch {
    // A refusal is an answer too; only the time counts here.
  }
  const ms = performance.now() - start;
  assert.ok(ms < BOUND_MS, `${name} took ${Math.round(ms)} ms on ${JSON.stringify(text.slice(0, 12))}... (${text.length} chars)`);
}

const PARSERS: [string, (text: string) => unknown][] = [
  ...OPTIONS.filter((def) => def.parse).map((def) => [`option ${def.key}`, (text: string) => def.parse!(text)] as [string, (text: string) => unknown]),
  ...OPTIONS.filter((def) => def.flag && !def.boolean).map((def) => [`--${def.flag}`, (text: string) => parseArgs(['app', `--${def.flag}=${text}`])] as [string, (text: string) => unknown]),
  ...CONTROL_FLAGS.filter((def) => def.placeholder).map((def) => [`--${def.flag}`, (text: string) => parseArgs(['app', `--${def.flag}=${text}`])] as [string, (text: string) => unknown]),
  ['[directory]', (text) => parseArgs([text])],
  ['controlCharacterProblem', controlCharacterProblem],
  ['projectPathProblem', projectPathProblem],
  ['kitSourceProblem', kitSourceProblem],
  ['requirementName', requirementName],
  ['normalizePackageName', normalizePackageName],
  ['appNameProblem', appNameProblem],
  ['hasUrlCredentials', hasUrlCredentials],
  ['maskSecrets', maskSecrets],
  ['parseRecord', (text) => parseRecord(text, 'manifest.json')],
  ['parseRecord (a long path)', (text) => parseRecord(JSON.stringify({ format: 2, generator: { version: '0.2.0' }, answers: {}, files: { [text]: { owner: 'kit' } } }), 'manifest.json')],
  ['declared (pyproject)', declared],
  ['readPyProject', (text) => readPyProject(text)],
  ['readPyProject (a long requirement)', (text) => readPyProject(`[project]\nname = "x"\ndependencies = [${JSON.stringify(text)}]\n`)],
  ['parseSpecifier', parseSpecifier],
  ['fastapiAssignments', fastapiAssignments],
  ['topLevelAssignments', topLevelAssignments],
  ['factories', factories],
  ['topLevelFunctions', topLevelFunctions],
  ['importedModules', (text) => importedModules(text, 'app')],
  ['getRoutes', (text) => getRoutes(text, 'app')],
  ['servedFolders', servedFolders],
  ['dockerfileCommand', dockerfileCommand],
  ['dockerfilePort', dockerfilePort],
  ['procfileWeb', procfileWeb],
  ['readFlyToml', readFlyToml],
  ['entrypointInCommand', (text) => entrypointInCommand(text.split(' '))],
  ['commandPort', (text) => commandPort(['uvicorn', 'app:app', '--port', text])],
  ['findAlembic (alembic.ini)', (text) => findAlembic({ paths: new Set(['alembic.ini']), texts: new Map([['alembic.ini', text]]) })],
];

describe('parsers take time in proportion to their input', () => {
  it(`the bound catches a quadratic parser: the credential regex kits had takes over ${BOUND_MS} ms on ${LENGTH} letters`, () => {
    const quadratic = /[a-z][a-z0-9+.-]*:\/\/[^/\s@]+@/i;
    assert.throws(() => timed('the old credential regex', (text) => quadratic.test(text), 'a'.repeat(LENGTH)), /took \d+ ms/);
  });

  for (const [name, parse] of PARSERS) {
    it(`${name}: each hostile run of ${LENGTH} characters within ${BOUND_MS} ms`, () => {
      for (const text of hostile()) timed(name, parse, text);
    });
  }

  it('every parser, on generated strings of hostile pieces', () => {
    const piece = fc.constantFrom(...UNITS, 'b', '1', ':', '-', '.', '_');
    fc.assert(
      fc.property(fc.array(piece, { minLength: 200, maxLength: 400 }), fc.integer({ min: 0, max: PARSERS.length - 1 }), (pieces, index) => {
        const unit = pieces.join('');
        const text = unit.repeat(Math.ceil(LENGTH / 4 / unit.length)).slice(0, LENGTH / 4);
        timed(PARSERS[index]![0], PARSERS[index]![1], text);
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 60), seed: process.env.PROPERTY_SEED ? Number(process.env.PROPERTY_SEED) : undefined },
    );
  });

  it('a kit whose [env] value and requirement are long loads (or is refused) within the bound', async () => {
    for (const text of hostile().slice(0, 12)) {
      const dir = join(tempDir('cff-linear-kit-'), 'kit');
      mkdirSync(join(dir, 'files'), { recursive: true });
      writeFileSync(join(dir, 'kit.toml'), `[kit]\nname = "k"\nversion = "1.0.0"\n[env]\nBIG = ${JSON.stringify(text)}\n[dependencies]\nmain = [${JSON.stringify(`x${text}`)}]\n`);
      const start = performance.now();
      await loadKit(dir, { spec: dir, kind: 'directory' }).catch(() => undefined);
      assert.ok(performance.now() - start < BOUND_MS * 2, `loading a kit with ${JSON.stringify(text.slice(0, 8))}... took ${Math.round(performance.now() - start)} ms`);
    }
  });
});
