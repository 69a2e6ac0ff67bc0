// 5. The generated service against the tutorial-style baseline in bench/reference:
// cold start to the first 200 on /healthz, and requests/s on /healthz and /items.
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { say } from '../lib/log.mjs';
import { CONNECTIONS, loadRun } from '../lib/load.mjs';
import * as pg from '../lib/postgres.mjs';
import { PYTHON, runtimeProjects } from '../lib/projects.mjs';
import { freePort, httpGet, run, serverLog, startServer, stopServer, waitFor200 } from '../lib/proc.mjs';
import { cpuSeconds } from '../lib/cpu.mjs';
import { makeRow, skippedRow, target } from '../lib/rows.mjs';
import { median } from '../lib/stats.mjs';

const REFERENCE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'reference');
const ROWS = Number(process.env.BENCH_ROWS ?? 1000);
const LIST_PATH = '/items?limit=50';

/** The baseline gets its own venv, installed the same way (copied, byte-compiled) as ours. */
function installReference(tmp, env) {
  const dir = join(tmp, 'reference');
  cpSync(REFERENCE_DIR, dir, { recursive: true });
  const venvEnv = { ...env, UV_LINK_MODE: 'copy', UV_COMPILE_BYTECODE: '1' };
  run('uv', ['venv', '--quiet', '--python', PYTHON, join(dir, '.venv')], { env: venvEnv });
  run('uv', ['pip', 'install', '--quiet', '--python', join(dir, '.venv', 'bin', 'python'), '-r', join(dir, 'requirements.txt')], { env: venvEnv });
  return dir;
}

/** The generated Dockerfile's exec-form CMD, with its port swapped for the bench's. */
function dockerCmd(projectDir, port) {
  const line = readFileSync(join(projectDir, 'Dockerfile'), 'utf8').split('\n').filter((text) => text.startsWith('CMD [')).at(-1);
  if (!line) throw new Error(`no exec-form CMD in ${projectDir}/Dockerfile`);
  const argv = JSON.parse(line.slice(4));
  const at = argv.indexOf('--port');
  if (at < 0) throw new Error(`the Dockerfile's CMD names no --port: ${line}`);
  argv[at + 1] = String(port);
  return argv;
}

function appsUnderTest(oursDir, referenceDir, ports) {
  // A clean environment: only the database URL differs from the bench's own.
  const env = { ...process.env, DATABASE_URL: pg.databaseUrl() };
  delete env.VIRTUAL_ENV;
  delete env.BENCH_POOL_SIZE;
  const reference = (extraEnv) => (log) =>
    startServer(join(referenceDir, '.venv', 'bin', 'uvicorn'), ['app.main:app', '--host', '0.0.0.0', '--port', String(ports.reference)], {
      cwd: referenceDir,
      env: { ...env, ...extraEnv },
      logFile: log,
    });
  return {
    ours: {
      key: 'ours',
      port: ports.ours,
      // The generated Dockerfile's CMD, run from the project's runtime venv.
      start: (log) => {
        const [command, ...args] = dockerCmd(oursDir, ports.ours);
        return startServer(join(oursDir, '.venv', 'bin', command), args, { cwd: oursDir, env, logFile: log });
      },
    },
    reference: { key: 'reference', port: ports.reference, start: reference({}) },
    // One pooled connection per worker thread: the baseline without its stall (see bench/reference/README.md).
    referenceSized: { key: 'referenceSized', port: ports.reference, start: reference({ BENCH_POOL_SIZE: '40' }) },
  };
}

async function startAndWait(app, logFile) {
  const started = performance.now();
  const server = app.start(logFile);
  const ready = await waitFor200(`http://127.0.0.1:${app.port}/healthz`, server);
  return { server, ms: ready - started };
}

/** Both apps must return the same 50 rows, or the throughput comparison means nothing. */
async function checkSameRows(apps, tmp) {
  const ids = {};
  for (const app of apps) {
    const { server } = await startAndWait(app, join(tmp, `${app.key}.log`));
    try {
      const { status, body } = await httpGet(`http://127.0.0.1:${app.port}${LIST_PATH}`, 10_000);
      if (status !== 200) throw new Error(`${app.key}: GET ${LIST_PATH} answered ${status}: ${body.slice(0, 300)}`);
      ids[app.key] = JSON.parse(body).map((item) => item.id).sort((a, b) => a - b).join(',');
    } finally {
      await stopServer(server);
    }
  }
  if (ids.ours !== ids.reference) throw new Error(`the two apps list different rows:\nours: ${ids.ours}\nreference: ${ids.reference}`);
  if (ids.ours.split(',').length !== 50) throw new Error(`expected 50 rows from ${LIST_PATH}`);
}

async function measureColdStarts(apps, tmp, runs) {
  const samples = { ours: [], reference: [] };
  // The first start of each writes the app's own bytecode; it is not counted.
  for (let i = -1; i < runs; i++) {
    for (const app of apps) {
      const { server, ms } = await startAndWait(app, join(tmp, `${app.key}.log`));
      await stopServer(server);
      if (i >= 0) samples[app.key].push(ms);
    }
  }
  return samples;
}

/** Requests/s per app and path; each round starts every app afresh and warms it first. */
async function measureThroughput(plan, tmp, tool, { rounds, seconds }) {
  const samples = {};
  for (let round = 0; round < rounds; round++) {
    for (const { app, paths } of plan) {
      const { server } = await startAndWait(app, join(tmp, `${app.key}.log`));
      const base = `http://127.0.0.1:${app.port}`;
      try {
        // Fill the connection pool and the thread pool before anything is counted.
        loadRun(tool, `${base}${LIST_PATH}`, Math.max(1, Math.round(seconds / 5)));
        for (const [key, path] of paths) {
          const cpuBefore = cpuSeconds(server.child.pid);
          const result = loadRun(tool, `${base}${path}`, seconds);
          if (server.exited) throw new Error(`${app.key} exited during the load run\n${serverLog(server)}`);
          const cpu = cpuSeconds(server.child.pid) - cpuBefore;
          const entry = (samples[`${app.key}.${key}`] ??= { rps: [], perCpuSecond: [], failed: 0, requests: 0 });
          entry.rps.push(result.rps);
          if (cpu > 0) entry.perCpuSecond.push(result.requests / cpu);
          entry.failed += result.failed;
          entry.requests += result.requests;
        }
      } finally {
        await stopServer(server);
      }
    }
  }
  return samples;
}

const MEASURES = {
  '5a': 'service cold start: spawn to first 200 /healthz',
  '5b': `service req/s: /healthz, ${CONNECTIONS} connections`,
  '5c': `service req/s: ${LIST_PATH}, ${CONNECTIONS} conn.`,
  '5d': `service req/s: ${LIST_PATH}, ${CONNECTIONS} conn.`,
  '5e': `requests per server CPU-second: ${LIST_PATH}`,
};

function failedShare(entry) {
  // wrk counts non-2xx answers among its requests; timeouts are not answers at all.
  return `${entry.requests} answered, ${entry.failed} failed or timed out`;
}

export async function measureService(ctx) {
  const reason = pg.unavailableReason();
  if (reason) return Object.entries(MEASURES).map(([id, measure]) => skippedRow({ id, measure, reason }));
  const { tmp, tools, quick } = ctx;
  say('5. generated service against the tutorial-style baseline (bench/reference)');
  const projects = runtimeProjects(ctx);
  say('   installing the baseline app (fastapi, uvicorn, sqlalchemy, psycopg2-binary)');
  const referenceDir = installReference(tmp, tools.uv.env);
  const logs = join(tmp, 'logs');
  mkdirSync(logs, { recursive: true });
  // The Dockerfile's 8000 and the tutorial's 8080 stand in for any free ports.
  const apps = appsUnderTest(projects.postgres.dir, referenceDir, { ours: await freePort(), reference: await freePort() });
  const tool = tools.loadTool();
  try {
    say(`   database ${pg.DATABASE}: alembic upgrade head, then ${ROWS} rows`);
    pg.recreateDatabase();
    run(join(projects.postgres.venv, 'bin', 'alembic'), ['upgrade', 'head'], {
      cwd: projects.postgres.dir,
      env: { ...tools.uv.env, DATABASE_URL: pg.databaseUrl() },
    });
    const seeded = pg.seedItems(ROWS);
    await checkSameRows([apps.ours, apps.reference], logs);

    const coldRuns = quick ? 3 : 7;
    say(`   cold start, ${coldRuns} runs each`);
    const cold = await measureColdStarts([apps.ours, apps.reference], logs, coldRuns);

    const load = quick ? { rounds: 2, seconds: 3 } : { rounds: 3, seconds: 10 };
    say(`   throughput with ${tool.name}: ${load.rounds} rounds x ${load.seconds} s per path and app`);
    const both = [['health', '/healthz'], ['list', LIST_PATH]];
    const rps = await measureThroughput(
      [
        { app: apps.ours, paths: both },
        { app: apps.reference, paths: both },
        { app: apps.referenceSized, paths: [['list', LIST_PATH]] },
      ],
      logs,
      tool,
      load,
    );

    const baseline = 'tutorial baseline (bench/reference)';
    const setup = `${tool.name}, ${load.rounds} runs x ${load.seconds} s after a warm-up, ${seeded} rows seeded, Python ${PYTHON}, 1 worker each`;
    const rpsRow = (id, key, anchorKey, anchorName, goal, note) =>
      makeRow({
        id,
        measure: MEASURES[id],
        unit: 'req/s',
        ours: median(rps[`ours.${key}`].rps),
        anchorName,
        anchor: median(rps[`${anchorKey}.${key}`].rps),
        goal,
        samples: { ours: rps[`ours.${key}`].rps, anchor: rps[`${anchorKey}.${key}`].rps },
        note: `${note}; ours: ${failedShare(rps[`ours.${key}`])}, baseline: ${failedShare(rps[`${anchorKey}.${key}`])}`,
      });
    return [
      makeRow({
        id: '5a',
        measure: MEASURES['5a'],
        unit: 'ms',
        ours: median(cold.ours),
        anchorName: baseline,
        anchor: median(cold.reference),
        goal: target.ratioAtMost(1.0),
        samples: cold,
        note: 'ours: the Dockerfile CMD (uvicorn with uvloop and httptools, from uvicorn[standard]), engine made in the lifespan; baseline: plain `uvicorn app.main:app` on asyncio and h11, create_all at import',
      }),
      rpsRow('5b', 'health', 'reference', baseline, target.none, setup),
      rpsRow('5c', 'list', 'reference', baseline, target.ratioAtLeast(1.25),
        'ours: async SQLAlchemy + psycopg 3, pool 5+5, pre-ping; baseline as the tutorial writes it: sync, 40 threads on a 5+10 pool'),
      rpsRow('5d', 'list', 'referenceSized', `${baseline}, pool 40`, target.ratioAtLeast(1.2),
        'the same baseline with one pooled connection per thread (BENCH_POOL_SIZE=40), so it cannot stall'),
      makeRow({
        id: '5e',
        measure: MEASURES['5e'],
        unit: 'req/CPU-s',
        ours: median(rps['ours.list'].perCpuSecond),
        anchorName: `${baseline}, pool 40`,
        anchor: median(rps['referenceSized.list'].perCpuSecond),
        goal: target.ratioAtLeast(1.2),
        samples: { ours: rps['ours.list'].perCpuSecond, anchor: rps['referenceSized.list'].perCpuSecond },
        note: "answered requests / the server process's CPU time during the same runs: what one core would serve; steadier than req/s when other work shares the machine (PostgreSQL's own CPU not included)",
      }),
    ];
  } finally {
    pg.dropDatabase();
  }
}
