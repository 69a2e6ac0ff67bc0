// Update scenarios run side by side against copier 9.x (from PyPI, into a venv
// of its own) and against create-fly-fastapi with a starter kit: the same
// files in the template's v1 and v2 (copier's template repository, our kit's
// files/), the same edits by the user between the two, committed in git.
// Prints one table row per scenario: what each tool left on disk and its exit
// code, and for ours the report line. Rerun with:
//
//   npm run build && node scripts/versus-copier.mjs
//
// The scenarios come from copier's own update tests (test_updatediff.py,
// test_dirty_local.py, test_check_update.py) and from its users' issues.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'cff-versus-'));
const ENV = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com', CI: '1', NO_COLOR: '1' };

function run(cmd, args, cwd, extra = {}) {
  const result = spawnSync(cmd, args, { cwd, env: { ...ENV, ...extra }, encoding: 'utf8' });
  return { status: result.status, out: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}
const must = (cmd, args, cwd) => {
  const result = run(cmd, args, cwd);
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${result.out}`);
  return result;
};

const venv = join(work, 'venv');
must('python3', ['-m', 'venv', venv], work);
must(join(venv, 'bin', 'pip'), ['install', '--quiet', 'copier>=9,<10'], work);
const COPIER = join(venv, 'bin', 'copier');
const copierVersion = must(COPIER, ['--version'], work).out.trim();

const lines = (n, edit = {}) => `${Array.from({ length: n }, (_, i) => edit[i] ?? `line ${i}`).join('\n')}\n`;
const CONF1 = lines(20);
const CONF2 = lines(20, { 17: 'line 17 (v2)' });
const PNG1 = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]);
const PNG2 = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 3]);

/** Each scenario: files of v1 and v2 (path -> text, Buffer, or { content, mode }), the user's doing, and what the row reads. */
const SCENARIOS = [
  { name: 'edit on other lines than the template', v1: { 'conf.txt': CONF1 }, v2: { 'conf.txt': CONF2 }, user: (d) => write(d, 'conf.txt', lines(20, { 2: 'line 2 (mine)' })), look: ['conf.txt'] },
  { name: 'edit on the same line as the template', v1: { 'conf.txt': CONF1 }, v2: { 'conf.txt': CONF2 }, user: (d) => write(d, 'conf.txt', lines(20, { 17: 'line 17 (mine)' })), look: ['conf.txt', 'conf.txt.new', 'conf.txt.rej'] },
  { name: 'template deletes a file the user edited', v1: { 'conf.txt': CONF1, 'keep.txt': 'k\n' }, v2: { 'keep.txt': 'k\n' }, user: (d) => write(d, 'conf.txt', lines(20, { 2: 'mine' })), look: ['conf.txt'] },
  { name: 'template deletes a file the user left alone', v1: { 'conf.txt': CONF1, 'keep.txt': 'k\n' }, v2: { 'keep.txt': 'k\n' }, user: () => {}, look: ['conf.txt'] },
  { name: 'template moves a file the user edited', v1: { 'ops/run.cfg': CONF1 }, v2: { 'deploy/run.cfg': CONF2 }, moved: { 'ops/run.cfg': 'deploy/run.cfg' }, user: (d) => write(d, 'ops/run.cfg', lines(20, { 2: 'mine' })), look: ['ops/run.cfg', 'deploy/run.cfg'] },
  { name: 'CRLF checkout, template edits a line', v1: { 'conf.txt': CONF1 }, v2: { 'conf.txt': CONF2 }, user: (d) => write(d, 'conf.txt', lines(20, { 2: 'mine' }).replace(/\n/g, '\r\n')), look: ['conf.txt'] },
  { name: 'user deleted a file; template changes it', v1: { 'conf.txt': CONF1, 'keep.txt': 'k\n' }, v2: { 'conf.txt': CONF2, 'keep.txt': 'k\n' }, user: (d) => rmSync(join(d, 'conf.txt')), look: ['conf.txt'] },
  { name: 'an unrelated uncommitted file', v1: { 'conf.txt': CONF1 }, v2: { 'conf.txt': CONF2 }, user: () => {}, dirty: (d) => write(d, 'notes.md', 'wip\n'), look: ['conf.txt'] },
  { name: 'an uncommitted edit to a file the update changes', v1: { 'conf.txt': CONF1 }, v2: { 'conf.txt': CONF2 }, user: () => {}, dirty: (d) => write(d, 'conf.txt', lines(20, { 2: 'wip' })), look: ['conf.txt'] },
  { name: 'nothing new in the template', v1: { 'conf.txt': CONF1 }, v2: { 'conf.txt': CONF1 }, user: (d) => write(d, 'conf.txt', lines(20, { 2: 'mine' })), look: ['conf.txt'] },
  { name: 'binary file changed by the template only', v1: { 'logo.png': PNG1 }, v2: { 'logo.png': PNG2 }, user: () => {}, look: ['logo.png'] },
  { name: 'binary file changed by both', v1: { 'logo.png': PNG1 }, v2: { 'logo.png': PNG2 }, user: (d) => write(d, 'logo.png', Buffer.concat([PNG1, Buffer.from([9])])), look: ['logo.png', 'logo.png.new', 'logo.png.rej'] },
  { name: 'template makes a script executable', v1: { 'run.sh': { content: '#!/bin/sh\n', mode: 0o644 } }, v2: { 'run.sh': { content: '#!/bin/sh\n', mode: 0o755 } }, user: () => {}, look: ['run.sh'] },
  { name: 'a file written once (skip if exists), edited by the user', v1: { 'local.cfg': 'a = 1\n' }, v2: { 'local.cfg': 'a = 2\n' }, once: ['local.cfg'], user: (d) => write(d, 'local.cfg', 'a = mine\n'), look: ['local.cfg'] },
];

function write(dir, path, content) {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), content);
}

function lay(dir, files) {
  for (const [path, value] of Object.entries(files)) {
    const content = value && typeof value === 'object' && !Buffer.isBuffer(value) ? value.content : value;
    write(dir, path, content);
    if (value?.mode) chmodSync(join(dir, path), value.mode);
  }
}

/** What is at each looked-at path: missing, bytes, or its text in brief. */
function state(dir, paths) {
  return paths
    .map((path) => {
      const full = join(dir, path);
      if (!existsSync(full)) return null;
      const bytes = readFileSync(full);
      const mode = (statSync(full).mode & 0o111) !== 0 ? ' +x' : '';
      const text = bytes.includes(0) ? `${bytes.length} B binary` : bytes.toString('utf8');
      const marks = /^<<<<<<< /m.test(text) ? ' with markers' : '';
      const edits = [...text.matchAll(/\((mine|v2|wip)\)|mine|wip/g)].map((m) => m[0]);
      const crlf = text.includes('\r\n') ? ' CRLF' : '';
      return `${path}: ${bytes.includes(0) ? text : `${[...new Set(edits)].join('+') || 'template text'}${marks}${crlf}`}${mode}`;
    })
    .filter(Boolean)
    .join('; ') || '(none of the files)';
}

function copier(s, dir) {
  const template = join(dir, 'template');
  mkdirSync(template, { recursive: true });
  write(template, 'copier.yml', `_answers_file: .copier-answers.yml\n${s.once ? `_skip_if_exists: ${JSON.stringify(s.once)}\n` : ''}`);
  write(template, '{{ _copier_conf.answers_file }}.jinja', '{{ _copier_answers|to_nice_yaml }}\n');
  lay(template, s.v1);
  must('git', ['init', '--quiet'], template);
  must('git', ['add', '--all'], template);
  must('git', ['commit', '--quiet', '-m', 'v1'], template);
  must('git', ['tag', 'v1.0.0'], template);
  for (const path of Object.keys(s.v1)) if (!(path in s.v2)) rmSync(join(template, path));
  lay(template, s.v2);
  must('git', ['add', '--all'], template);
  must('git', ['commit', '--quiet', '--allow-empty', '-m', 'v2'], template);
  must('git', ['tag', 'v2.0.0'], template);
  const project = join(dir, 'project');
  must(COPIER, ['copy', '--vcs-ref', 'v1.0.0', '--defaults', '--quiet', template, project], dir);
  must('git', ['init', '--quiet'], project);
  must('git', ['add', '--all'], project);
  must('git', ['commit', '--quiet', '-m', 'v1'], project);
  s.user(project);
  must('git', ['add', '--all'], project);
  must('git', ['commit', '--quiet', '--allow-empty', '-m', 'mine'], project);
  s.dirty?.(project);
  const result = run(COPIER, ['update', '--vcs-ref', 'v2.0.0', '--defaults', '--quiet'], project);
  return { exit: result.status, disk: state(project, s.look), said: result.out.trim().split('\n').filter(Boolean).at(-1) ?? '' };
}

function kit(dir, version, files, s) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'files'), { recursive: true });
  lay(join(dir, 'files'), files);
  const moved = s.moved ? `\n[moved]\n${Object.entries(s.moved).map(([a, b]) => `"${a}" = "${b}"`).join('\n')}\n` : '';
  const once = s.once ? `\n[files]\nonce = ${JSON.stringify(s.once)}\n` : '';
  write(dir, 'kit.toml', `[kit]\nname = "versus"\nversion = "${version}"\n${once}${moved}`);
  return dir;
}

function ours(s, dir) {
  const cli = join(repo, 'index.js');
  must(process.execPath, [cli, 'project', '--kit', kit(join(dir, 'kit1'), '1.0.0', s.v1, s), '--yes', '--no-git', '--no-lock', '--postgres', 'none', '--no-workflows'], dir);
  const project = join(dir, 'project');
  must('git', ['init', '--quiet'], project);
  must('git', ['add', '--all'], project);
  must('git', ['commit', '--quiet', '-m', 'v1'], project);
  s.user(project);
  must('git', ['add', '--all'], project);
  must('git', ['commit', '--quiet', '--allow-empty', '-m', 'mine'], project);
  s.dirty?.(project);
  const result = run(process.execPath, [cli, '--update', '--kit', kit(join(dir, 'kit2'), '2.0.0', s.v2, s)], project);
  const line = result.out.split('\n').find((l) => s.look.some((path) => l.includes(` ${path}`))) ?? result.out.trim().split('\n').at(-1) ?? '';
  return { exit: result.status, disk: state(project, s.look), said: line.trim().replace(/\s+/g, ' ') };
}

console.log(`| # | scenario | copier ${copierVersion.replace(/^copier /, '')}: on disk (exit) | ours: on disk (exit) | ours: report line |`);
console.log('|---|---|---|---|---|');
for (const [index, s] of SCENARIOS.entries()) {
  const c = copier(s, mkdtempSync(join(work, 'c-')));
  const o = ours(s, mkdtempSync(join(work, 'o-')));
  console.log(`| ${index + 1} | ${s.name} | ${c.disk} (${c.exit}) | ${o.disk} (${o.exit}) | ${o.said.replace(/\|/g, '\\|')} |`);
}
rmSync(work, { recursive: true, force: true });
