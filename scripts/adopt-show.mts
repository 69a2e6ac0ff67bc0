/**
 * Shows --adopt on the fixtures: the detection and the written files for
 * two of them (alembic, factory), then the refusal table, each refusal run
 * through the built CLI on a copy of its fixture (exit code, the one line,
 * whether anything changed). `npm run build` first.
 *   node --import tsx scripts/adopt-show.mts
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../', import.meta.url).pathname;
const fixtures = join(root, 'test/fixtures/adopt');
const cli = join(root, 'index.js');
const work = mkdtempSync(join(tmpdir(), 'cff-adopt-show-'));

function tree(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) found.set(join(entry.parentPath, entry.name).slice(dir.length + 1), readFileSync(join(entry.parentPath, entry.name), 'base64'));
  }
  return found;
}

function adopt(name: string, flags: string[]) {
  const dir = join(work, name);
  cpSync(join(fixtures, name), dir, { recursive: true });
  const before = tree(dir);
  const run = spawnSync(process.execPath, [cli, dir, '--adopt', ...flags], { encoding: 'utf8', env: { ...process.env, CI: '1', NO_COLOR: '1' } });
  const after = tree(dir);
  const changed = [...before].filter(([path, bytes]) => after.get(path) !== bytes).map(([path]) => path);
  const added = [...after.keys()].filter((path) => !before.has(path)).sort();
  return { dir, run, changed, added };
}

for (const name of ['alembic', 'factory']) {
  const { dir, run, changed, added } = adopt(name, []);
  console.log(`\n######## ${name}: create-fly-fastapi ${name} --adopt (exit ${run.status})\n`);
  console.log(run.stdout.replaceAll(work, '<tmp>').trimEnd());
  console.log(`\nuser files changed: ${changed.length ? changed.join(', ') : 'none'}`);
  for (const path of added) console.log(`\n---- ${path}\n${readFileSync(join(dir, path), 'utf8').trimEnd()}`);
}

const refusals: [string, string[]][] = [
  ['refuse-poetry', []],
  ['refuse-pipenv', []],
  ['refuse-requirements', []],
  ['refuse-not-uv', []],
  ['refuse-no-fastapi', []],
  ['refuse-no-server', []],
  ['refuse-ambiguous', []],
  ['refuse-dockerfile', []],
  ['flytoml', []],
  ['refuse-python', []],
  ['refuse-record', []],
  ['refuse-workspace', []],
  ['workspace', ['--package', 'web']],
  ['flat', ['--entrypoint', 'main:nothing']],
];
console.log('\n######## refusals (each on a copy of its fixture)\n');
console.log('| fixture | flags | exit | written | stderr |\n|---|---|---|---|---|');
for (const [name, flags] of refusals) {
  const { run, changed, added } = adopt(name, flags);
  const written = changed.length + added.length ? [...changed, ...added].join(', ') : 'nothing';
  console.log(`| ${name} | ${flags.join(' ') || '-'} | ${run.status} | ${written} | ${run.stderr.trim().replaceAll('|', '\\|')} |`);
}
rmSync(work, { recursive: true, force: true });
