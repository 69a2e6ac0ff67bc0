/**
 * The adopt tier for one fixture: copied to a temp folder, adopted with the
 * built CLI, its files hashed before and after, then built with BuildKit
 * and run as Fly would: the release command where there is Alembic, the
 * CMD on fly.toml's internal_port, the service check fly.toml names, the
 * user's own routes. Each check's outcome is kept, so a breakage can show
 * which check caught it.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse } from 'smol-toml';
import { buildImage, containerRunner, startContainer, type BuiltImage, type RunningContainer } from './container.ts';
import { docker, TIER_LABEL } from './engine.ts';
import { machineEnv, type FlyToml } from './fly.ts';
import { checkReleaseCommand } from './migrations.ts';
import { createDatabase, databaseName } from './postgres.ts';
import { CheckFailure, run, tail } from './run.ts';
import { assertPortFree, httpRequest, waitUntilLive } from './server.ts';
import { REPO, type Toolbox } from './toolbox.ts';

export interface AdoptFixture {
  name: string;
  flags: string[];
  /** The user's routes and a piece of each answer. */
  routes: [path: string, body: string][];
  database?: boolean;
  /** Lines the adopt run must print (a warning naming a build step it did not carry over). */
  says?: string[];
}

export const FIXTURES: AdoptFixture[] = [
  { name: 'flat', flags: [], routes: [['/hello/fly', '{"hello":"fly"}']] },
  { name: 'package', flags: [], routes: [['/price/tea', '"cents":300'], ['/catalog/', 'Green tea']] },
  { name: 'srclayout', flags: [], routes: [['/notes', 'first note']] },
  { name: 'factory', flags: [], routes: [['/ping', '"pong":"factory"']] },
  { name: 'alembic', flags: [], routes: [['/parts', '["bolt","nut"]']], database: true },
  { name: 'flytoml', flags: ['--adopt-new-files'], routes: [['/version', '"2.0.0"']] },
  { name: 'workspace', flags: ['--package', 'api'], routes: [['/greet/fly', 'hello, fly']] },
  // Traits that broke real projects, one each.
  { name: 'oldlock', flags: [], routes: [['/bottle/1999', '"year":1999']] },
  { name: 'writes', flags: [], routes: [['/entries/fly', '"stored":"fly"']] },
  { name: 'port80', flags: [], routes: [['/dock/tug', '"docked":"tug"']] },
  { name: 'noprepend', flags: [], routes: [['/cars', '["FLY-001","FLY-002"]']], database: true },
  { name: 'dbfolder', flags: [], routes: [['/accounts', '{"ada":1200,"grace":3400}']], database: true },
  { name: 'metadata', flags: [], routes: [['/about', '"version":"1.4.2"']] },
  { name: 'prompts', flags: [], routes: [['/prompt/system', 'careful desk assistant']] },
  { name: 'buildstep', flags: ['--adopt-new-files'], routes: [['/steps', '"steps":3']], says: ['RUN .venv/bin/python scripts/make_sitemap.py'] },
];

/** What the image must never hold, whatever else the build context brings. */
const NEVER_IN_IMAGE = ['.git', 'tests', 'docs', 'node_modules', '.env'];

export type AdoptCheck = 'adopt' | 'user-files' | 'image' | 'contents' | 'release' | 'service-check' | 'routes';
export interface Outcome {
  check: AdoptCheck;
  ok: boolean;
  note: string;
}

const FIXTURE_ROOT = join(REPO, 'test/fixtures/adopt');
const START_SECONDS = 30;

function hashes(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    found.set(relative(dir, path), createHash('sha256').update(readFileSync(path)).digest('hex'));
  }
  return found;
}

/** What the image's /app holds, listed inside it. */
async function appEntries(box: Toolbox, image: BuiltImage): Promise<string[]> {
  const listed = await docker(box.engine!, 'list /app', ['run', '--rm', '--label', `${TIER_LABEL}=1`, '--network', 'none', '--entrypoint', 'python', image.tag, '-c', 'import os; print("\\n".join(sorted(os.listdir("/app"))))']);
  return listed.output.trim().split('\n').filter(Boolean);
}

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port, timeout: 1_000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
  });
}

/** Fly's service check as fly.toml states it: the HTTP path must answer 200; a TCP check must connect. */
async function serviceCheck(fly: FlyToml, container: RunningContainer): Promise<string> {
  const port = fly.http_service.internal_port;
  const http = fly.http_service.checks?.[0];
  if (http) {
    const ms = await waitUntilLive(container.baseUrl.replace(/:\d+$/, `:${port}`), http.path, START_SECONDS * 1000, () => container.exited());
    return `GET ${http.path} on ${port}: 200 after ${ms} ms`;
  }
  const tcp = Object.values(fly.checks ?? {}).find((check) => check.type === 'tcp');
  if (!tcp) throw new CheckFailure('fly.toml names no service check');
  const started = Date.now();
  while (!(await tcpOpen(tcp.port ?? port))) {
    const exited = await container.exited();
    if (exited) throw new CheckFailure(`the server stopped before accepting a connection: ${exited}`);
    if (Date.now() - started > START_SECONDS * 1000) throw new CheckFailure(`nothing accepted a TCP connection on ${tcp.port} within ${START_SECONDS} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return `TCP connect on ${tcp.port}: accepted after ${Date.now() - started} ms`;
}

/**
 * Runs the checks in order; the first failure stops the rest (they would
 * only repeat it). `edit` breaks the adopted project on purpose.
 */
export async function adoptAndRun(box: Toolbox, fixture: AdoptFixture, edit?: (dir: string) => void): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const work = mkdtempSync(join(tmpdir(), `cff-adopt-e2e-${fixture.name}-`));
  const dir = join(work, fixture.name);
  let container: RunningContainer | undefined;
  const step = async (check: AdoptCheck, body: () => Promise<string>) => {
    try {
      outcomes.push({ check, ok: true, note: await body() });
      return true;
    } catch (error) {
      const logs = container ? `\ncontainer log:\n${tail(await container.logs(), 12)}` : '';
      outcomes.push({ check, ok: false, note: `${(error as Error).message}${logs}` });
      return false;
    }
  };
  try {
    cpSync(join(FIXTURE_ROOT, fixture.name), dir, { recursive: true });
    const before = hashes(dir);
    let written: string[] = [];
    const ok =
      (await step('adopt', async () => {
        const adopted = await run(process.execPath, [join(REPO, 'index.js'), dir, '--adopt', ...fixture.flags], { cwd: work, env: { ...box.env, CI: '1' }, timeoutMs: 60_000 });
        if (adopted.code !== 0) throw new CheckFailure(`--adopt exited ${adopted.code}: ${tail(adopted.output)}`);
        for (const line of fixture.says ?? []) if (!adopted.output.includes(line)) throw new CheckFailure(`--adopt did not say ${line}: ${tail(adopted.output)}`);
        written = Object.keys(JSON.parse(readFileSync(join(dir, '.create-fly-fastapi/manifest.json'), 'utf8')).files);
        edit?.(dir);
        return `wrote ${written.join(', ')}`;
      })) &&
      (await step('user-files', async () => {
        const after = hashes(dir);
        const changed = [...before].filter(([path, hash]) => after.get(path) !== hash).map(([path]) => path);
        if (changed.length) throw new CheckFailure(`the user's files changed: ${changed.join(', ')}`);
        return `${before.size} files byte-identical`;
      }));
    if (!ok) return outcomes;

    const flyPath = existsSync(join(dir, 'fly.toml.new')) ? 'fly.toml.new' : 'fly.toml';
    const fly = parse(readFileSync(join(dir, flyPath), 'utf8')) as unknown as FlyToml;
    let image: BuiltImage | undefined;
    if (!(await step('image', async () => {
      const built = await buildImage(box.engine!, dir, work, `cff-adopt-${fixture.name}:e2e`, existsSync(join(dir, 'Dockerfile.new')) ? 'Dockerfile.new' : 'Dockerfile');
      image = built;
      return `built in ${built.seconds.toFixed(1)} s, ${(built.size / 1e6).toFixed(0)} MB`;
    }))) return outcomes;

    if (!(await step('contents', async () => {
      const entries = await appEntries(box, image!);
      // The whole project ships (what it reads at run time is its business), less what .dockerignore keeps out.
      const expected = ['.venv', 'pyproject.toml', ...JSON.parse(readFileSync(join(dir, '.create-fly-fastapi/manifest.json'), 'utf8')).adoption.runtime.map((unit: string) => unit.split('/')[0])];
      const extra = entries.filter((entry) => NEVER_IN_IMAGE.includes(entry));
      const missing = expected.filter((entry) => !entries.includes(entry));
      if (extra.length || missing.length) throw new CheckFailure(`/app holds ${entries.join(', ')}; never in an image: ${extra.join(', ') || 'none'}; missing: ${missing.join(', ') || 'none'}`);
      return `/app holds ${entries.join(', ')}`;
    }))) return outcomes;

    const env: Record<string, string> = { ...machineEnv(fly, 'app') };
    if (fixture.database) {
      env.DATABASE_URL = await createDatabase(box.postgres!, databaseName(`adopt_${fixture.name}`));
      if (!(await step('release', () => checkReleaseCommand(containerRunner(box.engine!, image!), image!.entrypoint, fly, box.postgres!, env.DATABASE_URL!)))) return outcomes;
    } else if (fly.deploy?.release_command) {
      outcomes.push({ check: 'release', ok: false, note: `a release command without migrations: ${fly.deploy.release_command}` });
      return outcomes;
    }

    const port = fly.http_service.internal_port;
    if (!(await step('service-check', async () => {
      await assertPortFree(port);
      container = await startContainer(box.engine!, image!, port, env);
      return serviceCheck(fly, container);
    }))) return outcomes;

    await step('routes', async () => {
      const seen: string[] = [];
      for (const [path, body] of fixture.routes) {
        const answer = await httpRequest(`http://127.0.0.1:${port}${path}`);
        if (answer.status !== 200 || !answer.body.includes(body)) throw new CheckFailure(`GET ${path} answered ${answer.status}: ${answer.body.slice(0, 200)}`);
        seen.push(`${path} 200`);
      }
      return seen.join(', ');
    });
    return outcomes;
  } finally {
    await container?.stop('SIGTERM', 10);
    await container?.remove();
    rmSync(work, { recursive: true, force: true });
  }
}
