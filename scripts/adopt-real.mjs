#!/usr/bin/env node
// Adopts real FastAPI + uv projects and runs each as Fly would: `--adopt`
// with the built CLI, then the image built with the real engine, the
// release command run against PostgreSQL, and fly.toml's service check
// asked of the served app. Prints one table row per project.
//
// Not part of CI: it needs the network (git clone, PyPI in the build) and
// Docker. Run `node scripts/adopt-real.mjs --help` for how.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'smol-toml';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DOCKER = process.env.DOCKER ?? '/usr/bin/docker';
const LABEL = 'create-fly-fastapi.adopt-real=1';

const HELP = `Usage: node scripts/adopt-real.mjs [--build] [--out FILE] [--keep] SPEC...

Each SPEC is a JSON file holding an array of projects, or one project given
inline as  source[@rev][:subdir][ -- flags...]  (quote it). A project is
  { "label": "...", "source": "<git dir, work tree or clone URL>", "rev": "<commit, default HEAD>",
    "dir": "<folder to adopt, default the root>", "flags": ["--package", "app"],
    "env": { "NAME": "value" }, "prepare": [["uv", "lock"]], "databaseEnv": "DATABASE_URL" (or "POSTGRES_DB=name", or "DATABASE_URL=postgresql+asyncpg" for a scheme) }
prepare lists commands run in the project before --adopt (to follow a refusal's advice).
A source that is a git directory (bare or not) is read with git archive at rev; a URL
is cloned first; a plain folder is copied. Nothing is written to the source.

Without --build only --adopt runs (what was detected, from where, what was written).
With --build each adopted project is also: built with ${DOCKER} (BuildKit, host network;
the Dockerfile's \`# syntax=\` line left out, as in the e2e tier, so no registry is needed for it),
its fly.toml release_command run in the image against a fresh PostgreSQL database at
127.0.0.1:5432 (trust auth; the URL goes into databaseEnv, default DATABASE_URL), and
served on fly.toml's internal_port on the host network until its service check passes
(60 s). Wrap a --build run in the e2e lock:  flock /tmp/e2e.lock node scripts/adopt-real.mjs --build ...
The table is printed, and written to --out when given.`;

function sh(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  return { code: result.status ?? 1, out: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}` };
}

const oneLine = (text, max = 160) => text.replace(/\s+/g, ' ').trim().slice(0, max);

function parseInline(spec) {
  const [head, ...flagParts] = spec.split(/\s+--\s+/);
  const match = /^(.+?)(?:@([0-9a-f]{7,40}|HEAD))?(?::([^:]+))?$/.exec(head.trim());
  const flags = flagParts.join(' -- ').split(/\s+/).filter(Boolean);
  return { label: head.trim(), source: match[1], rev: match[2] ?? 'HEAD', dir: match[3] ?? '', flags };
}

function projects(specs) {
  return specs.flatMap((spec) => (spec.endsWith('.json') && existsSync(spec) ? JSON.parse(readFileSync(spec, 'utf8')) : [parseInline(spec)]));
}

/** A work tree of the project at rev, in a fresh folder. */
function checkout(project, work) {
  const tree = join(work, 'tree');
  mkdirSync(tree);
  let source = project.source;
  if (/^(https?|git|ssh):\/\/|^git@/.test(source)) {
    const clone = join(work, 'clone.git');
    const cloned = sh('git', ['clone', '--quiet', '--bare', source, clone]);
    if (cloned.code !== 0) throw new Error(`git clone failed: ${oneLine(cloned.out)}`);
    source = clone;
  }
  const gitDir = existsSync(join(source, '.git')) ? join(source, '.git') : existsSync(join(source, 'HEAD')) && existsSync(join(source, 'objects')) ? source : undefined;
  if (!gitDir) {
    cpSync(source, tree, { recursive: true });
    return tree;
  }
  const archive = spawnSync('git', ['--git-dir', gitDir, 'archive', project.rev ?? 'HEAD'], { maxBuffer: 1024 * 1024 * 1024 });
  if (archive.status !== 0) throw new Error(`git archive ${project.rev}: ${oneLine(String(archive.stderr))}`);
  const untar = spawnSync('tar', ['-x', '-C', tree], { input: archive.stdout });
  if (untar.status !== 0) throw new Error(`tar: ${oneLine(String(untar.stderr))}`);
  return tree;
}

function tcpOpen(port) {
  return new Promise((done) => {
    const socket = createConnection({ host: '127.0.0.1', port, timeout: 1000 });
    socket.once('connect', () => (socket.destroy(), done(true)));
    socket.once('timeout', () => (socket.destroy(), done(false)));
    socket.once('error', () => done(false));
  });
}

async function serviceCheck(fly, container) {
  const port = fly.http_service?.internal_port;
  const http = fly.http_service?.checks?.[0];
  const started = Date.now();
  let last = 'no answer';
  while (Date.now() - started < 60_000) {
    const state = sh(DOCKER, ['inspect', '--format', '{{.State.Running}} {{.State.ExitCode}}', container]).out.trim();
    if (state.startsWith('false')) return { ok: false, note: `the server exited (${state.split(' ')[1]}): ${oneLine(sh(DOCKER, ['logs', '--tail', '4', container]).out, 220)}` };
    if (http) {
      try {
        const answer = await fetch(`http://127.0.0.1:${port}${http.path}`, { signal: AbortSignal.timeout(2000) });
        last = `${answer.status}`;
        if (answer.status === 200) return { ok: true, note: `GET ${http.path} on ${port}: 200 after ${((Date.now() - started) / 1000).toFixed(1)} s` };
      } catch (error) {
        last = oneLine(String(error.cause?.code ?? error.message), 60);
      }
    } else if (await tcpOpen(port)) {
      return { ok: true, note: `TCP ${port} accepted after ${((Date.now() - started) / 1000).toFixed(1)} s` };
    }
    await new Promise((next) => setTimeout(next, 500));
  }
  return { ok: false, note: `${http ? `GET ${http.path}` : `TCP`} on ${port}: ${last} for 60 s; log: ${oneLine(sh(DOCKER, ['logs', '--tail', '4', container]).out, 220)}` };
}

/** The detection summary the CLI printed, as `what value (from where)` pieces. */
function detected(output) {
  const lines = output.split('\n');
  const start = lines.findIndex((line) => line.startsWith('Detected in'));
  if (start < 0) return '';
  const found = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.trim()) break;
    const match = /^(\S[\w ]*?)\s{2,}(.*)$/.exec(line);
    if (match && ['Python', 'port', 'entrypoint', 'migrations', 'health check'].includes(match[1])) found.push(`${match[1]}: ${match[2]}`);
  }
  return found.join('; ');
}

async function runOne(project, build) {
  const row = { label: project.label ?? project.source, flags: (project.flags ?? []).join(' ') || '(none)', detected: '', adopt: '', image: '-', release: '-', serve: '-' };
  const work = mkdtempSync(join(tmpdir(), 'cff-adopt-real-'));
  const tag = `cff-adopt-real-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  let container;
  try {
    const tree = checkout(project, work);
    const dir = project.dir ? join(tree, project.dir) : tree;
    // Commands a refusal advised, run in the project first (e.g. ["uv", "lock"]), to show the advice works.
    for (const command of project.prepare ?? []) {
      const prepared = sh(command[0], command.slice(1), { cwd: dir, timeout: 600_000 });
      row.flags = `${row.flags} (after \`${command.join(' ')}\`${prepared.code === 0 ? '' : `, which failed: ${oneLine(prepared.out, 80)}`})`;
    }
    const adopted = sh(process.execPath, [join(REPO, 'index.js'), dir, '--adopt', ...(project.flags ?? [])], { env: { ...process.env, CI: '1' }, timeout: 300_000 });
    row.detected = detected(adopted.out);
    const lastLine = adopted.out.trim().split('\n').at(-1) ?? '';
    const warnings = adopted.out.split('\n').filter((line) => /Your Dockerfile ran/.test(line)).length;
    row.adopt = adopted.code === 0 ? `ok${warnings ? ` (${warnings} build step(s) of theirs listed, not run)` : ''}` : `exit ${adopted.code}: ${oneLine(lastLine, 260)}`;
    if (adopted.code !== 0 || !build) return row;

    const dockerfile = existsSync(join(dir, 'Dockerfile.new')) ? 'Dockerfile.new' : 'Dockerfile';
    const flyPath = existsSync(join(dir, 'fly.toml.new')) ? 'fly.toml.new' : 'fly.toml';
    const fly = parse(readFileSync(join(dir, flyPath), 'utf8'));
    const started = Date.now();
    // Without its `# syntax=` line, as the e2e tier builds: BuildKit would fetch that frontend from a registry.
    const underTest = join(work, 'Dockerfile.under-test');
    writeFileSync(underTest, readFileSync(join(dir, dockerfile), 'utf8').replace(/^# syntax=.*\n/, ''));
    const built = sh(DOCKER, ['build', '--network', 'host', '--progress', 'plain', '--label', LABEL, '--file', underTest, '--tag', tag, dir], { env: { ...process.env, DOCKER_BUILDKIT: '1' }, timeout: 1_800_000 });
    if (built.code !== 0) {
      const error = built.out.split('\n').filter((line) => /ERROR|error:|failed/i.test(line)).slice(-2).join(' ');
      row.image = `FAIL: ${oneLine(error || built.out.slice(-400), 260)}`;
      return row;
    }
    row.image = `ok (${((Date.now() - started) / 1000).toFixed(0)} s)`;

    const env = { ...(project.env ?? {}) };
    const database = `adopt_real_${String(row.label).toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 40)}`;
    sh('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-c', `DROP DATABASE IF EXISTS ${database}`]);
    const made = sh('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-c', `CREATE DATABASE ${database}`]);
    // databaseEnv "NAME" gets a URL; "NAME=name" gets the database's name (for settings built from parts).
    const [variable, form] = (project.databaseEnv ?? 'DATABASE_URL').split('=');
    if (made.code === 0) env[variable] = form === 'name' ? database : `${form ?? 'postgresql'}://postgres@127.0.0.1:5432/${database}`;
    const envArgs = Object.entries({ ...env, ...(fly.env ?? {}) }).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
    const release = fly.deploy?.release_command;
    if (release) {
      const ran = sh(DOCKER, ['run', '--rm', '--label', LABEL, '--network', 'host', ...envArgs, tag, ...release.split(/\s+/)], { timeout: 300_000 });
      row.release = ran.code === 0 ? `ok: ${release}` : `FAIL (${ran.code}): ${oneLine(ran.out.split('\n').filter(Boolean).slice(-2).join(' '), 220)}`;
    } else row.release = 'none';

    const started2 = sh(DOCKER, ['run', '-d', '--label', LABEL, '--network', 'host', ...envArgs, tag]);
    if (started2.code !== 0) {
      row.serve = `FAIL: ${oneLine(started2.out)}`;
      return row;
    }
    container = started2.out.trim().split('\n').at(-1);
    const checked = await serviceCheck(fly, container);
    row.serve = `${checked.ok ? 'ok' : 'FAIL'}: ${checked.note}`;
    return row;
  } catch (error) {
    row.adopt ||= `error: ${oneLine(error.message)}`;
    return row;
  } finally {
    if (container) sh(DOCKER, ['rm', '-f', container]);
    if (build) sh(DOCKER, ['image', 'rm', '-f', tag]);
    if (!process.argv.includes('--keep')) rmSync(work, { recursive: true, force: true });
    else console.error(`kept ${work}`);
  }
}

function table(rows) {
  const cell = (text) => String(text).replace(/\|/g, '\\|');
  const head = '| project | flags given | detected (and from where) | --adopt | image | release command | service check |\n|---|---|---|---|---|---|---|';
  return `${head}\n${rows.map((row) => `| ${[row.label, row.flags, row.detected, row.adopt, row.image, row.release, row.serve].map(cell).join(' | ')} |`).join('\n')}\n`;
}

const args = process.argv.slice(2);
if (args.length === 0 || args.includes('--help') || args.includes('-h')) {
  console.log(HELP);
  process.exit(args.length === 0 ? 2 : 0);
}
if (!existsSync(join(REPO, 'dist/cli.js'))) {
  console.error('dist/cli.js is missing: run `npm run build` first');
  process.exit(2);
}
const build = args.includes('--build');
const outIndex = args.indexOf('--out');
const out = outIndex >= 0 ? args[outIndex + 1] : undefined;
const specs = args.filter((arg, index) => !arg.startsWith('--') && !(outIndex >= 0 && index === outIndex + 1));
const rows = [];
for (const project of projects(specs)) {
  console.error(`adopting ${project.label ?? project.source} ...`);
  const row = await runOne(project, build);
  console.error(`  ${row.adopt} | image ${row.image} | release ${row.release} | serve ${row.serve}`);
  rows.push(row);
  // After each project, so a long run stopped halfway still leaves its rows.
  if (out) writeFileSync(out, table(rows));
}
process.stdout.write(table(rows));
