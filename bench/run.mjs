// `npm run bench`: measures create-fly-fastapi and the service it generates against
// their anchors, prints one table and writes it to bench/results.json.
//
//   node bench/run.mjs [--quick] [--only 1,3,5]
//
// --quick (or BENCH_QUICK=1) takes fewer and shorter runs, to try the bench out;
// the figures worth quoting come from the default, full run. --only runs some sections.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { say } from './lib/log.mjs';
import { killAllServers } from './lib/proc.mjs';
import { skippedRow } from './lib/rows.mjs';
import { renderTable } from './lib/table.mjs';
import { prepareTools } from './lib/tools.mjs';
import { measureDownload } from './sections/download.mjs';
import { measureEnvSize } from './sections/envsize.mjs';
import { measureGenerate } from './sections/generate.mjs';
import { measureImage } from './sections/image.mjs';
import { measureLock } from './sections/lock.mjs';
import { measureMerge } from './sections/merge.mjs';
import { measureService } from './sections/service.mjs';
import { measureStartup } from './sections/startup.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));
const repo = join(benchDir, '..');

function parseFlags(argv) {
  const quick = argv.includes('--quick') || process.env.BENCH_QUICK === '1';
  const onlyAt = argv.indexOf('--only');
  const only = onlyAt >= 0 ? new Set((argv[onlyAt + 1] ?? '').split(',')) : undefined;
  return { quick, only };
}

const SECTIONS = [
  { n: '1', measure: (ctx) => measureStartup({ ...ctx, runs: ctx.quick ? 8 : 30 }) },
  { n: '2', measure: (ctx) => measureGenerate({ ...ctx, runs: ctx.quick ? 5 : 15 }) },
  { n: '3', measure: measureDownload },
  { n: '4', measure: (ctx) => measureLock({ ...ctx, runs: ctx.quick ? 2 : 5 }) },
  { n: '5', measure: measureService },
  { n: '6', measure: measureEnvSize },
  { n: '7', measure: measureImage },
  { n: '8', measure: measureMerge },
];

function machine() {
  return {
    cores: availableParallelism(),
    cpu: cpus()[0]?.model.trim(),
    memoryGB: Math.round(totalmem() / 1e9),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

async function main() {
  const { quick, only } = parseFlags(process.argv.slice(2));
  const tmp = mkdtempSync(join(tmpdir(), 'cff-bench-'));
  process.on('exit', killAllServers);
  process.on('SIGINT', () => {
    killAllServers();
    process.exit(130);
  });
  say(`${quick ? 'quick' : 'full'} run; scratch space ${tmp}`);
  // Other work on the machine moves every timing; the load average says how much there was.
  const loadBefore = loadavg()[0];
  // tables: what a section shows that does not fit a row of ours-against-anchor.
  const ctx = { repo, tmp, quick, tools: prepareTools(tmp), tables: [] };
  const rows = [];
  let failed = false;
  for (const section of SECTIONS) {
    if (only && !only.has(section.n)) continue;
    try {
      rows.push(...(await section.measure(ctx)));
    } catch (error) {
      // One broken section must not hide the others' figures.
      failed = true;
      say(`section ${section.n} failed: ${error.message}`);
      rows.push(skippedRow({ id: section.n, measure: `section ${section.n}`, reason: `failed: ${error.message.split('\n')[0]}` }));
    }
  }

  const info = { ...machine(), loadAverage: { start: loadBefore, end: loadavg()[0] } };
  const command = `node ${relative(repo, fileURLToPath(import.meta.url))} ${process.argv.slice(2).join(' ')}`.trim();
  const load = `load average ${info.loadAverage.start.toFixed(1)} at start, ${info.loadAverage.end.toFixed(1)} at end`;
  const header = `create-fly-fastapi bench (${quick ? 'quick' : 'full'}): ${info.cores} cores, ${info.cpu}, Node ${info.node}, ${load}; medians of repeated runs`;
  const tables = ctx.tables.map((table) => `\n${table.title}\n\n${table.text}\n`).join('');
  process.stdout.write(`${header}\n\n${renderTable(rows)}\n${tables}`);
  const results = {
    date: new Date().toISOString(),
    command,
    quick,
    machine: info,
    tools: { uv: ctx.tools.uv.version, createVite: ctx.tools.createVite.version, fastapiNew: ctx.tools.fastapiNew.version },
    rows,
    tables: ctx.tables,
  };
  writeFileSync(join(benchDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  say('wrote bench/results.json');
  if (process.env.BENCH_KEEP !== '1') rmSync(tmp, { recursive: true, force: true });
  else say(`kept ${tmp}`);
  process.exitCode = failed ? 1 : 0;
}

await main();
