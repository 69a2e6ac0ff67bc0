// 2. Writing a project with no post-steps (no uv lock, git or fly launch).
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { say } from '../lib/log.mjs';
import { timeRun } from '../lib/proc.mjs';
import { makeRow, target } from '../lib/rows.mjs';
import { interleave, median } from '../lib/stats.mjs';

const NO_POST_STEPS = ['--yes', '--no-git', '--no-lock', '--no-launch'];

export const VARIANTS = {
  default: [],
  'postgres-multiregion': ['--postgres', 'managed', '--regions', 'iad,lhr'],
};

export function measureGenerate({ repo, tools, tmp, runs }) {
  say(`2. generation without post-steps, ${runs} runs each, interleaved`);
  const parent = join(tmp, 'generate');
  mkdirSync(parent, { recursive: true });
  let n = 0;
  // Each run writes into a new directory; removing it is not part of the time.
  const timed = (make) => () => {
    const name = `p${n++}`;
    const ms = make(name);
    rmSync(join(parent, name), { recursive: true, force: true });
    return ms;
  };
  const ours = (flags) => timed((name) => timeRun(process.execPath, [join(repo, 'index.js'), name, ...NO_POST_STEPS, ...flags], { cwd: parent }));
  const samples = interleave(
    [
      ...Object.entries(VARIANTS).map(([key, flags]) => ({ key, once: ours(flags) })),
      {
        key: 'vite',
        // create-vite reads the directory relative to the working directory.
        once: timed((name) => timeRun(process.execPath, [tools.createVite.bin, name, '--template', 'vanilla-ts', '--no-interactive', '--no-immediate'], { cwd: parent })),
      },
    ],
    { runs, warmups: 2 },
  );
  const vite = median(samples.vite);
  const anchorName = `create-vite ${tools.createVite.version} vanilla-ts`;
  return Object.keys(VARIANTS).map((key, i) =>
    makeRow({
      id: `2${'ab'[i]}`,
      measure: `generate, no post-steps: ${key}`,
      unit: 'ms',
      ours: median(samples[key]),
      anchorName,
      anchor: vite,
      goal: target.ratioAtMost(1.5),
      samples: { ours: samples[key], anchor: samples.vite },
    }),
  );
}
