// 7. The image, against the tutorial's single-stage pip image (bench/reference/Dockerfile),
// both built with BuildKit on the same base: size over that base, container start to the
// first 200, memory at idle and at the peak of the 50-connection load, and the rebuild
// after one edit in app/ (the dependency layers must stay cached). Then the same start and
// memory for the project made without Postgres against the tutorial app without its
// database, and a table of what each installed package costs the default image.
import { appendFileSync, cpSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildImage, imageSize, prepareEngine, removeContainer, removeLabelled, startContainer, treeRss } from '../lib/docker.mjs';
import { loadRunAsync } from '../lib/load.mjs';
import { say } from '../lib/log.mjs';
import { packageTable } from '../lib/packages.mjs';
import * as pg from '../lib/postgres.mjs';
import { httpGet, run } from '../lib/proc.mjs';
import { makeRow, skippedRow, target } from '../lib/rows.mjs';
import { median } from '../lib/stats.mjs';

const PYTHON = '3.14';
const BASE = `python:${PYTHON}-slim-trixie`;
const REFERENCE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'reference');
const MB = 1e6;
const ROWS = [
  ['7a', 'image size over its base'],
  ['7b', 'container start to first 200'],
  ['7c', 'service memory at idle'],
  ['7d', 'service memory at load peak'],
  ['7e', 'rebuild after one edit in app/'],
  ['7f', 'no database: container start to first 200'],
  ['7g', 'no database: service memory at idle'],
  ['7h', 'no database: service memory at load peak'],
];

async function firstOk(url, container, engine, timeoutMs = 60_000) {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if ((await httpGet(url, 1000)).status === 200) return performance.now();
    await sleep(5);
  }
  const logs = engine.docker(['logs', container.id], { allowFailure: true });
  throw new Error(`no 200 from ${url} within ${timeoutMs / 1000} s\n${logs.stdout}${logs.stderr}`);
}

function makeProjects(ctx, engine) {
  const dir = join(ctx.tmp, 'image');
  run('mkdir', ['-p', dir]);
  const cache = join(ctx.repo, '.e2e', 'uv-cache');
  run('mkdir', ['-p', cache]);
  const generate = (name, flags) => {
    run(process.execPath, [join(ctx.repo, 'index.js'), name, '--yes', ...flags, '--no-lock', '--no-git', '--no-launch'], { cwd: dir });
    const project = join(dir, name);
    engine.docker(['run', '--rm', '--network', 'host', '--volume', `${project}:/project`, '--workdir', '/project', '--volume', `${engine.uv}:/usr/local/bin/uv:ro`,
      '--volume', `${cache}:/uv-cache`, '--env', 'UV_CACHE_DIR=/uv-cache', '--env', 'HOME=/tmp', BASE, 'uv', 'lock']);
    return project;
  };
  say('   generating the default project, and one without Postgres, and locking them in their Python image');
  const ours = generate('ours-image', []);
  const oursNoDatabase = generate('ours-nodb-image', ['--postgres', 'none']);
  const reference = join(dir, 'reference');
  cpSync(REFERENCE_DIR, reference, { recursive: true });
  return { ours, oursNoDatabase, reference };
}

/** Builds both (the first build fills the caches and is not the figure), then the rebuild after an edit. */
function buildBoth(engine, apps) {
  const rebuild = {};
  for (const app of apps) {
    buildImage(engine, app.dir, app.tag);
    appendFileSync(join(app.dir, 'app', 'main.py'), '\n# edited\n');
    rebuild[app.key] = buildImage(engine, app.dir, app.tag);
  }
  return rebuild;
}

async function measureStarts(engine, apps, runs) {
  const samples = Object.fromEntries(apps.map((app) => [app.key, []]));
  for (let i = -1; i < runs; i++) {
    for (const app of apps) {
      const started = performance.now();
      const container = startContainer(engine, app.tag, app.env, app.command);
      try {
        const ready = await firstOk(`http://127.0.0.1:${app.port}/healthz`, container, engine);
        if (i >= 0) samples[app.key].push(ready - started);
      } finally {
        removeContainer(engine, container);
      }
    }
  }
  return samples;
}

async function measureMemory(engine, apps, tool, seconds) {
  const figures = {};
  for (const app of apps) {
    const container = startContainer(engine, app.tag, app.env, app.command);
    const path = app.loadPath ?? '/items?limit=50';
    try {
      await firstOk(`http://127.0.0.1:${app.port}/healthz`, container, engine);
      // Settle: one request through every route the load uses, then quiet.
      await httpGet(`http://127.0.0.1:${app.port}${path}`, 10_000);
      await sleep(2000);
      const idle = treeRss(container.pid);
      let peak = idle;
      let loading = true;
      const load = loadRunAsync(tool, `http://127.0.0.1:${app.port}${path}`, seconds).finally(() => (loading = false));
      while (loading) {
        peak = Math.max(peak, treeRss(container.pid));
        await sleep(50);
      }
      const result = await load;
      figures[app.key] = { idle, peak, failed: result.failed, requests: result.requests };
    } finally {
      removeContainer(engine, container);
    }
  }
  return figures;
}

export async function measureImage(ctx) {
  const skipAll = (reason) => ROWS.map(([id, measure]) => skippedRow({ id, measure, reason }));
  const noDatabase = pg.unavailableReason();
  if (noDatabase) return skipAll(noDatabase);
  say('7. the image: building the stand-in base images if needed');
  const engine = prepareEngine(ctx.repo, PYTHON);
  if (engine.problem) return skipAll(engine.problem);
  removeLabelled(engine);
  try {
    const dirs = makeProjects(ctx, engine);
    const databaseUrl = pg.databaseUrl();
    const apps = [
      { key: 'ours', dir: dirs.ours, tag: `cff-bench-ours:${process.pid}`, port: 8000, env: { DATABASE_URL: databaseUrl.replace(/^postgresql:/, 'postgres:'), FORWARDED_ALLOW_IPS: '*' } },
      { key: 'reference', dir: dirs.reference, tag: `cff-bench-reference:${process.pid}`, port: 8080, env: { DATABASE_URL: databaseUrl } },
    ];
    for (const app of apps) {
      if ((await httpGet(`http://127.0.0.1:${app.port}/healthz`, 500)).status !== 0) throw new Error(`port ${app.port} is already answering: stop whatever listens there`);
    }
    say('   building both images');
    const rebuild = buildBoth(engine, apps);
    const base = imageSize(engine, BASE);
    const size = Object.fromEntries(apps.map((app) => [app.key, imageSize(engine, app.tag) - base]));

    pg.recreateDatabase();
    engine.docker(['run', '--rm', '--network', 'host', '--env', `DATABASE_URL=${apps[0].env.DATABASE_URL}`, '--entrypoint', 'alembic', apps[0].tag, 'upgrade', 'head']);
    const seeded = pg.seedItems(1000);
    say(`   database migrated by our release command, ${seeded} rows`);

    const runs = ctx.quick ? 3 : 10;
    say(`   ${runs} container starts each`);
    const starts = await measureStarts(engine, apps, runs);
    const seconds = ctx.quick ? 3 : 10;
    say(`   memory at idle and under ${seconds} s of load`);
    const memory = await measureMemory(engine, apps, ctx.tools.loadTool(), seconds);
    say('   what each package costs the default image');
    const packages = await packageTable(engine, apps[0]);
    ctx.tables?.push({ title: 'Section 7: the default image, package by package', text: packages.text, rows: packages.rows });
    pg.dropDatabase();

    // Without a database: the project made with --postgres none, and the tutorial's FastAPI
    // app with nothing but /healthz (bench/reference/app/liveness.py), in its own image.
    say('   without a database: building, then starts and memory under load on /healthz');
    const bare = [
      { key: 'ours', dir: dirs.oursNoDatabase, tag: `cff-bench-ours-nodb:${process.pid}`, port: 8000, env: { FORWARDED_ALLOW_IPS: '*' }, loadPath: '/healthz' },
      { key: 'reference', tag: apps[1].tag, port: 8080, env: {}, command: ['uvicorn', 'app.liveness:app', '--host', '0.0.0.0', '--port', '8080'], loadPath: '/healthz' },
    ];
    buildImage(engine, bare[0].dir, bare[0].tag);
    const bareStarts = await measureStarts(engine, bare, runs);
    const bareMemory = await measureMemory(engine, bare, ctx.tools.loadTool(), seconds);

    const anchorName = 'tutorial pip image';
    const failed = (key) => (memory[key].failed ? `, ${memory[key].failed} of ${memory[key].requests} requests failed` : '');
    const failedEither = (figures) => ['ours', 'reference'].map((key) => (figures[key].failed ? `; ${key}: ${figures[key].failed} of ${figures[key].requests} requests failed` : '')).join('');
    return [
      makeRow({ id: '7a', measure: ROWS[0][1], unit: 'MB', ours: size.ours, anchorName, anchor: size.reference, goal: target.ratioAtMost(1.0), note: `BuildKit, both FROM ${BASE} (a stand-in: Debian's CPython); base ${(base / MB).toFixed(0)} MB` }),
      makeRow({ id: '7b', measure: ROWS[1][1], unit: 'ms', ours: median(starts.ours), anchorName, anchor: median(starts.reference), goal: target.ratioAtMost(0.9), note: `docker run --detach to the first 200 on /healthz, median of ${runs}`, samples: starts }),
      makeRow({ id: '7c', measure: ROWS[2][1], unit: 'MB', ours: memory.ours.idle, anchorName, anchor: memory.reference.idle, goal: target.ratioAtMost(1.0), note: 'resident memory of the container\'s processes, after one /items request' }),
      makeRow({ id: '7d', measure: ROWS[3][1], unit: 'MB', ours: memory.ours.peak, anchorName, anchor: memory.reference.peak, goal: target.ratioAtMost(1.0), note: `peak under 50 connections on /items?limit=50${failed('ours')}${failed('reference') ? `; reference${failed('reference')}` : ''}` }),
      makeRow({ id: '7e', measure: ROWS[4][1], unit: 'ms', ours: rebuild.ours, anchorName, anchor: rebuild.reference, goal: target.below(5000, '5 s'), note: 'docker build after appending a line to app/main.py' }),
      makeRow({ id: '7f', measure: ROWS[5][1], unit: 'ms', ours: median(bareStarts.ours), anchorName: 'tutorial app, no database', anchor: median(bareStarts.reference), goal: target.ratioAtMost(1.0), note: `--postgres none against bench/reference/app/liveness.py in the tutorial's image, median of ${runs}`, samples: bareStarts }),
      makeRow({ id: '7g', measure: ROWS[6][1], unit: 'MB', ours: bareMemory.ours.idle, anchorName: 'tutorial app, no database', anchor: bareMemory.reference.idle, goal: target.ratioAtMost(1.0), note: 'after one /healthz request' }),
      makeRow({ id: '7h', measure: ROWS[7][1], unit: 'MB', ours: bareMemory.ours.peak, anchorName: 'tutorial app, no database', anchor: bareMemory.reference.peak, goal: target.ratioAtMost(1.0), note: `peak under 50 connections on /healthz${failedEither(bareMemory)}` }),
    ];
  } finally {
    removeLabelled(engine);
  }
}
