// The first update scenario of the issue, run with the built CLI and shown:
// generate, edit app/main.py and fly.toml, commit, `--update --scaling
// always-on --regions iad,lhr`, then the same update again. Prints each
// report and the tree's hashes before and after, so what was kept is visible.
//   npm run build && node scripts/update-demo.mjs
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const CLI = new URL('../index.js', import.meta.url).pathname;
const env = { ...process.env, PATH: `${join(homedir(), '.local/bin')}:${process.env.PATH}`, CI: '1', NO_COLOR: '1' };

function run(cwd, file, args, show = true) {
  const result = spawnSync(file, args, { cwd, env, encoding: 'utf8' });
  if (show) {
    console.log(`$ ${file === process.execPath ? `create-fly-fastapi ${args.slice(1).join(' ')}` : `${file} ${args.join(' ')}`}`);
    process.stdout.write(result.stdout + result.stderr);
    console.log(`(exit ${result.status})\n`);
  } else if (result.status !== 0) {
    throw new Error(`${file} ${args.join(' ')}: exit ${result.status}\n${result.stderr}`);
  }
  return result.status;
}
const git = (dir, ...args) => run(dir, 'git', ['-c', 'user.name=demo', '-c', 'user.email=demo@example.com', ...args], false);

function hashes(dir) {
  const out = new Map();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isDirectory()) continue;
    const path = relative(dir, join(entry.parentPath, entry.name));
    if (path.startsWith('.git/')) continue;
    out.set(path, createHash('sha256').update(readFileSync(join(dir, path))).digest('hex').slice(0, 12));
  }
  return new Map([...out].sort(([a], [b]) => a.localeCompare(b)));
}

const root = mkdtempSync(join(tmpdir(), 'cff-update-demo-'));
const dir = join(root, 'demo-api');
console.log(`# 1. Generate v1 in ${dir}\n`);
run(root, process.execPath, [CLI, 'demo-api', '--yes', '--no-git', '--no-lock']);
git(dir, 'init', '--quiet', '--initial-branch=main');
git(dir, 'add', '--all');
git(dir, 'commit', '--quiet', '-m', 'v1');

console.log('# 2. Edit app/main.py and add a table to fly.toml; commit\n');
appendFileSync(join(dir, 'app/main.py'), '\n\n@app.get("/hello")\nasync def hello() -> dict[str, str]:\n    return {"hello": "world"}\n');
appendFileSync(join(dir, 'fly.toml'), '\n[[statics]]\nguest_path = "/app/public"\nurl_prefix = "/static"\n');
git(dir, 'commit', '--quiet', '-am', 'my edits');
const before = hashes(dir);

console.log('# 3. Update: keep Machines on, add lhr\n');
const first = run(dir, process.execPath, [CLI, '--update', '--scaling', 'always-on', '--regions', 'iad,lhr']);
const after = hashes(dir);

console.log('# Tree hashes (sha256, first 12 hex digits), before and after the update\n');
console.log(`${'path'.padEnd(44)} ${'before'.padEnd(12)} ${'after'.padEnd(12)} `);
for (const path of [...new Set([...before.keys(), ...after.keys()])].sort((a, b) => a.localeCompare(b))) {
  const a = before.get(path) ?? '-';
  const b = after.get(path) ?? '-';
  console.log(`${path.padEnd(44)} ${a.padEnd(12)} ${b.padEnd(12)} ${a === b ? 'same' : 'CHANGED'}`);
}
const fly = readFileSync(join(dir, 'fly.toml'), 'utf8');
console.log('\nfly.toml now has the new scaling and your table:');
for (const line of fly.split('\n').filter((line) => /auto_stop_machines|min_machines_running|guest_path|\[\[statics\]\]|Recreate|--regions/.test(line))) console.log(`  ${line}`);
console.log(`app/main.py unchanged: ${before.get('app/main.py') === after.get('app/main.py')}\n`);

git(dir, 'add', '--all');
git(dir, 'commit', '--quiet', '-m', 'update');
console.log('# 4. The same update again\n');
const second = run(dir, process.execPath, [CLI, '--update', '--scaling', 'always-on', '--regions', 'iad,lhr']);
const again = hashes(dir);
const changed = [...again].filter(([path, hash]) => after.get(path) !== hash).map(([path]) => path);
console.log(`files changed by the second run: ${changed.length === 0 ? 'none' : changed.join(', ')}`);
console.log(`exit codes: first ${first}, second ${second}`);
process.exit(first === 0 && second === 0 && changed.length === 0 && before.get('app/main.py') === after.get('app/main.py') ? 0 : 1);
