// 1. How long `--help` takes: the part of every `npm create` run that is ours.
import { join } from 'node:path';
import { say } from '../lib/log.mjs';
import { timeRun } from '../lib/proc.mjs';
import { makeRow, target } from '../lib/rows.mjs';
import { interleave, median } from '../lib/stats.mjs';

export function measureStartup({ repo, tools, runs }) {
  say(`1. CLI start-up: --help, ${runs} runs each, interleaved`);
  const node = process.execPath;
  const samples = interleave(
    [
      { key: 'ours', once: () => timeRun(node, [join(repo, 'index.js'), '--help']) },
      { key: 'vite', once: () => timeRun(node, [tools.createVite.bin, '--help']) },
      { key: 'floor', once: () => timeRun(node, ['-e', '']) },
    ],
    { runs, warmups: 3 },
  );
  const ours = median(samples.ours);
  const vite = median(samples.vite);
  const floor = median(samples.floor);
  const viteName = `create-vite ${tools.createVite.version}`;
  return [
    makeRow({
      id: '1a',
      measure: 'CLI start-up: --help',
      unit: 'ms',
      ours,
      anchorName: viteName,
      anchor: vite,
      goal: target.ratioAtMost(1.2),
      samples,
    }),
    makeRow({
      id: '1b',
      measure: 'start-up above the `node -e ""` floor',
      unit: 'ms',
      ours: ours - floor,
      anchorName: viteName,
      anchor: vite - floor,
      note: `floor (bare node -e "") = ${floor.toFixed(1)} ms; this row is each CLI's own share`,
    }),
  ];
}
