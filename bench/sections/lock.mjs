// 4. A full generation including `uv lock`, with uv's cache already warm, against
// `uvx fastapi-new`, which runs `uv init` and `uv add "fastapi[standard]"`.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { say } from '../lib/log.mjs';
import { assertLocked, fastapiNewCommand, oursCommand } from '../lib/projects.mjs';
import { timeRun } from '../lib/proc.mjs';
import { makeRow, target } from '../lib/rows.mjs';
import { interleave, median } from '../lib/stats.mjs';

export function measureLock({ repo, tools, tmp, runs }) {
  say(`4. full generation with uv lock (warm uv cache), ${runs} runs each, interleaved`);
  const parent = join(tmp, 'lock');
  mkdirSync(parent, { recursive: true });
  const env = tools.uv.env;
  let n = 0;
  const timed = (command, after) => () => {
    const name = `p${n++}`;
    const [cmd, args] = command(name);
    let ms = timeRun(cmd, args, { cwd: parent, env });
    assertLocked(join(parent, name));
    if (after) ms += after(join(parent, name));
    rmSync(join(parent, name), { recursive: true, force: true });
    return ms;
  };
  const samples = interleave(
    [
      { key: 'ours', once: timed((name) => oursCommand(repo, name)) },
      // Like for like: fastapi-new also installs the environment, so add the `uv sync` a user runs next.
      { key: 'oursSync', once: timed((name) => oursCommand(repo, name), (dir) => timeRun('uv', ['sync'], { cwd: dir, env })) },
      { key: 'fastapiNew', once: timed(fastapiNewCommand) },
    ],
    // The warm-up runs fill uv's cache for all three.
    { runs, warmups: 1 },
  );
  const anchor = median(samples.fastapiNew);
  const anchorName = `uvx fastapi-new ${tools.fastapiNew.version}`;
  return [
    makeRow({
      id: '4a',
      measure: 'generate + uv lock (warm cache)',
      unit: 'ms',
      ours: median(samples.ours),
      anchorName,
      anchor,
      goal: target.ratioAtMost(1.0),
      samples: { ours: samples.ours, anchor: samples.fastapiNew },
      note: 'fastapi-new also installs .venv (uv add = lock + sync); row 4b adds our `uv sync` for like-for-like',
    }),
    makeRow({
      id: '4b',
      measure: 'generate + uv lock + uv sync (warm cache)',
      unit: 'ms',
      ours: median(samples.oursSync),
      anchorName,
      anchor,
      samples: { ours: samples.oursSync, anchor: samples.fastapiNew },
      note: 'our sync includes the dev group (pytest, ruff, httpx2); fastapi-new has none',
    }),
  ];
}
