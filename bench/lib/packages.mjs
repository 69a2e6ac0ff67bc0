// Section 7's per-package table for an image: each installed distribution's size on
// disk, the import time it adds while the server starts (PYTHONPROFILEIMPORTTIME on the
// image's own CMD, up to uvicorn's "Application startup complete"), and whether the
// serving process imports it at all (at start, or at its first /healthz and /items); and the
// resident memory its imports add, importing the server's modules one by one, each package
// after those it imports (an estimate: memory a module allocates later is not counted).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { LABEL, removeContainer } from './docker.mjs';
import { httpGet } from './proc.mjs';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'packages.py');
const MEMORY_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'memory.py');
const STARTED = 'Application startup complete';

function installed(engine, tag) {
  const out = engine.docker(['run', '--rm', '--network', 'none', '--entrypoint', 'python', '--volume', `${SCRIPT}:/tmp/packages.py:ro`, tag, '/tmp/packages.py']).stdout;
  return JSON.parse(out);
}

/**
 * `{ start: Map(top-level module -> µs of its own import time), later: Set(top-level modules),
 * order: every module imported before serving, in the order its import finished }`.
 */
function parseImportTimes(log) {
  const start = new Map();
  const later = new Set();
  const order = [];
  let serving = false;
  for (const line of log.split('\n')) {
    if (line.includes(STARTED)) serving = true;
    const found = /^import time:\s+(\d+)\s+\|\s+\d+\s+\|\s+(\S+)/.exec(line.trim());
    if (!found) continue;
    const top = found[2].split('.')[0];
    if (serving) later.add(top);
    else {
      start.set(top, (start.get(top) ?? 0) + Number(found[1]));
      order.push(found[2]);
    }
  }
  return { start, later, order };
}

/** Top-level module -> bytes of resident memory its imports add, and the interpreter's own. */
function importMemory(engine, app, order) {
  const env = Object.entries(app.env).flatMap(([key, value]) => ['--env', `${key}=${value}`]);
  // Each package's __init__ finishes after everything it imports, so top-level packages in
  // that order come after their dependencies; then the submodules the server imported.
  const names = order.filter((name) => name !== '__main__');
  const modules = [...names.filter((name) => !name.includes('.')), ...names];
  const out = engine.docker(['run', '--rm', '--network', 'none', ...env, '--entrypoint', 'python', '--volume', `${MEMORY_SCRIPT}:/tmp/memory.py:ro`, app.tag, '/tmp/memory.py', ...modules]).stdout;
  const { start, added } = JSON.parse(out);
  return { start, added: new Map(Object.entries(added)) };
}

async function importTimes(engine, app) {
  const flags = Object.entries({ ...app.env, PYTHONPROFILEIMPORTTIME: '1' }).flatMap(([key, value]) => ['--env', `${key}=${value}`]);
  const id = engine.docker(['run', '--detach', '--label', `${LABEL}=1`, '--network', 'host', ...flags, app.tag]).stdout.trim();
  try {
    const deadline = performance.now() + 60_000;
    while ((await httpGet(`http://127.0.0.1:${app.port}/healthz`, 1000)).status !== 200) {
      if (performance.now() > deadline) throw new Error(`${app.tag} did not answer /healthz with PYTHONPROFILEIMPORTTIME=1`);
      await sleep(20);
    }
    await httpGet(`http://127.0.0.1:${app.port}/items?limit=50`, 10_000);
    await sleep(500);
    const logs = engine.docker(['logs', id]);
    return parseImportTimes(`${logs.stdout}\n${logs.stderr}`);
  } finally {
    removeContainer(engine, { id });
  }
}

/** Rows of the table, largest first, and the text of it. */
export async function packageTable(engine, app) {
  const packages = installed(engine, app.tag);
  const { start, later, order } = await importTimes(engine, app);
  const memory = importMemory(engine, app, order);
  const rows = packages.map((pkg) => {
    const micros = pkg.modules.reduce((sum, module) => sum + (start.get(module) ?? 0), 0);
    const resident = pkg.modules.reduce((sum, module) => sum + (memory.added.get(module) ?? 0), 0);
    const atStart = pkg.modules.some((module) => start.has(module));
    const atRequest = pkg.modules.some((module) => later.has(module));
    return { name: pkg.name, version: pkg.version, bytes: pkg.bytes, importMs: micros / 1000, resident, imported: atStart ? 'at start' : atRequest ? 'at first request' : 'no' };
  });
  rows.sort((a, b) => b.bytes - a.bytes);
  const owned = new Set(packages.flatMap((pkg) => pkg.modules));
  const rest = [...start].filter(([module]) => !owned.has(module));
  const appMs = rest.filter(([module]) => module === 'app').reduce((sum, [, us]) => sum + us, 0) / 1000;
  const stdlibMs = rest.filter(([module]) => module !== 'app').reduce((sum, [, us]) => sum + us, 0) / 1000;
  const unowned = [...memory.added].filter(([module]) => !owned.has(module));
  const appResident = unowned.filter(([module]) => module === 'app').reduce((sum, [, bytes]) => sum + bytes, 0);
  const stdlibResident = unowned.filter(([module]) => module !== 'app').reduce((sum, [, bytes]) => sum + bytes, 0);
  const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
  const total = rows.reduce((sum, row) => sum + row.bytes, 0);
  const lines = [
    'package | installed | import at start | resident memory its imports add | imported by the server',
    '--------|-----------|-----------------|---------------------------------|-----------------------',
    ...rows.map((row) => `${row.name} ${row.version} | ${(row.bytes / 1e6).toFixed(2)} MB | ${row.importMs.toFixed(1)} ms | ${row.imported === 'no' ? '' : mb(row.resident)} | ${row.imported}`),
    `(all packages) | ${(total / 1e6).toFixed(2)} MB | ${rows.reduce((sum, row) => sum + row.importMs, 0).toFixed(1)} ms | ${mb(rows.reduce((sum, row) => sum + row.resident, 0))} |`,
    `(the app's own modules) | | ${appMs.toFixed(1)} ms | ${mb(appResident)} |`,
    `(the standard library) | | ${stdlibMs.toFixed(1)} ms | ${mb(stdlibResident)} |`,
    `(the interpreter, before any of these) | | | ${mb(memory.start - [...memory.added.values()].reduce((sum, bytes) => sum + bytes, 0))} |`,
  ];
  return { rows, text: lines.join('\n') };
}
