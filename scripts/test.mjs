// Runs the test files with Node's own test runner. Node 20's runner takes no
// globs, so the files are listed here. `--unit` leaves out the end-to-end tier.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const unitOnly = process.argv.includes('--unit');
const dirs = unitOnly ? ['test'] : ['test', 'test/e2e'];
const files = dirs.flatMap((dir) =>
  readdirSync(dir)
    .filter((name) => name.endsWith('.test.ts'))
    .sort()
    .map((name) => join(dir, name)),
);
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
