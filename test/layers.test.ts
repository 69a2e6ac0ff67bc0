import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createRequire } from 'node:module';
import { cruise, type ICruiseResult } from 'dependency-cruiser';

const root = new URL('..', import.meta.url).pathname;
const rules = createRequire(import.meta.url)(join(root, '.dependency-cruiser.cjs')) as { forbidden: unknown[]; options: Record<string, unknown> };

/** dependency-cruiser over a copy of src/ in which `edit` has made one change. */
async function violationsAfter(edit: (src: string) => void): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'cff-layers-'));
  try {
    cpSync(join(root, 'src'), join(dir, 'src'), { recursive: true });
    cpSync(join(root, 'tsconfig.json'), join(dir, 'tsconfig.json'));
    edit(join(dir, 'src'));
    const previous = process.cwd();
    process.chdir(dir);
    try {
      const result = await cruise(['src'], { ...rules.options, validate: true, ruleSet: { forbidden: rules.forbidden } as never, tsConfig: { fileName: 'tsconfig.json' } }, undefined, {});
      const output = result.output as ICruiseResult;
      return output.summary.violations.map((violation) => `${violation.rule.name}: ${violation.from} -> ${violation.to}`);
    } finally {
      process.chdir(previous);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function prepend(file: string, line: string): void {
  writeFileSync(file, `${line}\n${readFileSync(file, 'utf8')}`);
}

describe('the layers of src/ (.dependency-cruiser.cjs)', () => {
  it('hold for src/ as it is', async () => {
    assert.deepEqual(await violationsAfter(() => {}), []);
  });

  it('fail on an import that points up: the plan reaching for the update run', async () => {
    const found = await violationsAfter((src) => prepend(join(src, 'plan/plan.ts'), "import '../runs/update.ts';"));
    assert.ok(found.some((line) => line.startsWith('layer-') && line.includes('src/plan/plan.ts -> src/runs/update.ts')), found.join('\n'));
  });

  it('fail on a cycle, and on src/ importing the public barrel', async () => {
    const cycle = await violationsAfter((src) => prepend(join(src, 'record/fileModes.ts'), "import './record.ts';"));
    assert.ok(cycle.some((line) => line.startsWith('no-cycles:')), cycle.join('\n'));
    const barrel = await violationsAfter((src) => prepend(join(src, 'cli/update.ts'), "import '../api.ts';"));
    assert.ok(barrel.some((line) => line === 'not-the-barrel: src/cli/update.ts -> src/api.ts'), barrel.join('\n'));
  });

  it('fail on a file outside every layer', async () => {
    const found = await violationsAfter((src) => writeFileSync(join(src, 'helpers.ts'), "import './version.ts';\n"));
    assert.ok(found.some((line) => line.startsWith('every-file-has-a-layer: src/helpers.ts')), found.join('\n'));
  });
});
