// 8. An update that merges a managed file of 100,000 lines, the user's edit
// at line 5 and the kit's at line N-5: our whole `--update` (the built CLI)
// against copier's `copier update` on the same texts (copier from PyPI, in a
// private venv) and, as the floor, `git merge-file` on the three texts alone.
// Time is wall clock from spawn to exit; memory is the peak resident set
// (GNU time's %M), both the median of the runs.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { say } from '../lib/log.mjs';
import { run } from '../lib/proc.mjs';
import { makeRow, skippedRow, target } from '../lib/rows.mjs';
import { median } from '../lib/stats.mjs';

const LINES = 100_000;
const GIT = ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com'];

function text(edit) {
  const lines = Array.from({ length: LINES }, (_, index) => `setting_${index} = ${index}`);
  for (const [at, line] of Object.entries(edit)) lines[Number(at)] = line;
  return `${lines.join('\n')}\n`;
}
const BASE = text({});
const YOURS = text({ 5: 'setting_5 = "yours"' });
const NEW = text({ [LINES - 5]: `setting_${LINES - 5} = "new"` });
const MERGED = text({ 5: 'setting_5 = "yours"', [LINES - 5]: `setting_${LINES - 5} = "new"` });

/** Milliseconds and peak resident kilobytes of one command, from GNU time. */
function measured(cmd, args, options) {
  // Outside the project: a file of ours inside it would make copier's tree dirty.
  const report = join(options.cwd, '..', '.time-report');
  const start = performance.now();
  run('/usr/bin/time', ['-f', '%M', '-o', report, cmd, ...args], options);
  const ms = performance.now() - start;
  const kb = Number(run('cat', [report]).stdout.trim().split('\n').at(-1));
  rmSync(report, { force: true });
  return { ms, bytes: kb * 1024 };
}

function kitVersion(dir, version, big) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'files', 'config'), { recursive: true });
  writeFileSync(join(dir, 'kit.toml'), `[kit]\nname = "bench-kit"\nversion = "${version}"\n`);
  writeFileSync(join(dir, 'files', 'config', 'big.conf'), big);
}

function ours({ repo, tmp }) {
  const root = join(tmp, 'merge-ours');
  mkdirSync(root, { recursive: true });
  kitVersion(join(root, 'kit1'), '1.0.0', BASE);
  kitVersion(join(root, 'kit2'), '2.0.0', NEW);
  run(process.execPath, [join(repo, 'index.js'), 'app', '--kit', join(root, 'kit1'), '--yes', '--no-git', '--no-lock', '--postgres', 'none'], { cwd: root });
  const dir = join(root, 'app');
  writeFileSync(join(dir, 'config', 'big.conf'), YOURS);
  const snapshot = join(root, 'snapshot');
  run('cp', ['-a', dir, snapshot]);
  return () => {
    rmSync(dir, { recursive: true, force: true });
    run('cp', ['-a', snapshot, dir]);
    const figure = measured(process.execPath, [join(repo, 'index.js'), '--update', '--kit', join(root, 'kit2')], { cwd: dir });
    const merged = run('cat', [join(dir, 'config', 'big.conf')]).stdout;
    if (merged !== MERGED) throw new Error('our merge did not hold both edits');
    return figure;
  };
}

function copier({ tmp }) {
  const venv = join(tmp, 'copier-venv');
  run('python3', ['-m', 'venv', venv]);
  run(join(venv, 'bin', 'pip'), ['install', '--quiet', 'copier>=9,<10']);
  const version = run(join(venv, 'bin', 'copier'), ['--version']).stdout.trim();
  const root = join(tmp, 'merge-copier');
  const template = join(root, 'template');
  mkdirSync(join(template, 'config'), { recursive: true });
  writeFileSync(join(template, 'copier.yml'), '_answers_file: .copier-answers.yml\n');
  writeFileSync(join(template, '{{ _copier_conf.answers_file }}.jinja'), '{{ _copier_answers|to_nice_yaml }}\n');
  writeFileSync(join(template, 'config', 'big.conf'), BASE);
  const git = (cwd, ...args) => run('git', [...GIT, ...args], { cwd });
  git(template, 'init', '--quiet');
  git(template, 'add', '--all');
  git(template, 'commit', '--quiet', '-m', 'v1');
  git(template, 'tag', 'v1.0.0');
  writeFileSync(join(template, 'config', 'big.conf'), NEW);
  git(template, 'commit', '--quiet', '-am', 'v2');
  git(template, 'tag', 'v2.0.0');
  const project = join(root, 'project');
  run(join(venv, 'bin', 'copier'), ['copy', '--vcs-ref', 'v1.0.0', '--defaults', '--quiet', template, project], { cwd: root });
  git(project, 'init', '--quiet');
  writeFileSync(join(project, 'config', 'big.conf'), YOURS);
  git(project, 'add', '--all');
  git(project, 'commit', '--quiet', '-m', 'mine');
  const snapshot = join(root, 'snapshot');
  run('cp', ['-a', project, snapshot]);
  const env = { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'b@example.com', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'b@example.com' };
  return {
    version,
    once: () => {
      rmSync(project, { recursive: true, force: true });
      run('cp', ['-a', snapshot, project]);
      const figure = measured(join(venv, 'bin', 'copier'), ['update', '--vcs-ref', 'v2.0.0', '--defaults', '--quiet'], { cwd: project, env });
      const merged = run('cat', [join(project, 'config', 'big.conf')]).stdout;
      if (merged !== MERGED) throw new Error('copier did not hold both edits');
      return figure;
    },
  };
}

function mergeFile({ tmp }) {
  const dir = join(tmp, 'merge-file');
  mkdirSync(dir, { recursive: true });
  return () => {
    writeFileSync(join(dir, 'yours'), YOURS);
    writeFileSync(join(dir, 'base'), BASE);
    writeFileSync(join(dir, 'new'), NEW);
    return measured('git', ['merge-file', 'yours', 'base', 'new'], { cwd: dir });
  };
}

export function measureMerge(ctx) {
  const runs = ctx.quick ? 2 : 5;
  say(`8. an update merging a ${LINES.toLocaleString('en')}-line file (edits at both ends), ${runs} runs each`);
  const oursOnce = ours(ctx);
  const floorOnce = mergeFile(ctx);
  let anchor;
  try {
    anchor = copier(ctx);
  } catch (error) {
    say(`copier could not be installed or run: ${error.message.split('\n')[0]}`);
  }
  const samples = { ours: [], copier: [], floor: [] };
  for (let i = 0; i < runs; i++) {
    samples.ours.push(oursOnce());
    if (anchor) samples.copier.push(anchor.once());
    samples.floor.push(floorOnce());
  }
  const ms = (list) => median(list.map((sample) => sample.ms));
  const bytes = (list) => median(list.map((sample) => sample.bytes));
  const rows = [];
  if (anchor) {
    rows.push(
      makeRow({ id: '8a', measure: `update merging ${LINES / 1000}k lines: time`, unit: 'ms', ours: ms(samples.ours), anchorName: anchor.version, anchor: ms(samples.copier), goal: target.below(2000, '2 s'), samples: { ours: samples.ours.map((s) => s.ms), anchor: samples.copier.map((s) => s.ms) } }),
      makeRow({ id: '8b', measure: `update merging ${LINES / 1000}k lines: peak memory`, unit: 'MB', ours: bytes(samples.ours), anchorName: anchor.version, anchor: bytes(samples.copier), goal: target.below(200e6, '200 MB') }),
    );
  } else {
    rows.push(skippedRow({ id: '8a', measure: `update merging ${LINES / 1000}k lines beside copier`, reason: 'copier could not be installed from PyPI' }));
  }
  rows.push(
    makeRow({ id: '8c', measure: `the same merge: time, against git merge-file`, unit: 'ms', ours: ms(samples.ours), anchorName: 'git merge-file (the three texts alone)', anchor: ms(samples.floor), note: 'ours is a whole --update run: start-up, plan, record and write included' }),
  );
  return rows;
}
