// 3. What `npm create fly-fastapi` downloads: the tarball, and every package that
// installing it pulls in, counted in a fresh project's node_modules.
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { say } from '../lib/log.mjs';
import { run } from '../lib/proc.mjs';
import { makeRow, target } from '../lib/rows.mjs';
import { npmInstallInto } from '../lib/tools.mjs';

/** Counts package folders (anything with a package.json) in a node_modules tree, nested ones included. */
export function countPackages(nodeModules) {
  if (!existsSync(nodeModules)) return 0;
  let count = 0;
  for (const entry of readdirSync(nodeModules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const dirs = entry.name.startsWith('@')
      ? readdirSync(join(nodeModules, entry.name), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => join(nodeModules, entry.name, e.name))
      : [join(nodeModules, entry.name)];
    for (const dir of dirs) {
      if (existsSync(join(dir, 'package.json'))) count++;
      count += countPackages(join(dir, 'node_modules'));
    }
  }
  return count;
}

/** `npm pack` of a local folder or a registry spec; returns the tarball's path and npm's report. */
function pack(spec, dest, cwd) {
  const [report] = JSON.parse(run('npm', ['pack', spec, '--json', '--ignore-scripts', '--pack-destination', dest, '--loglevel=error'], { cwd }).stdout);
  return { file: join(dest, report.filename), report };
}

function installedPackages(dir, tarball) {
  npmInstallInto(dir, [tarball]);
  return countPackages(join(dir, 'node_modules'));
}

export function measureDownload({ repo, tools, tmp }) {
  say('3. download size: npm pack, then install each tarball into an empty project');
  const dest = join(tmp, 'pack');
  mkdirSync(dest, { recursive: true });
  // The bench built dist/ already (npm run bench), so prepack is not run again.
  const ours = pack('.', dest, repo);
  const vite = pack(`create-vite@${tools.createVite.version}`, dest, repo);
  const oursPackages = installedPackages(join(tmp, 'install-ours'), ours.file);
  const vitePackages = installedPackages(join(tmp, 'install-vite'), vite.file);
  const anchorName = `create-vite ${tools.createVite.version}`;
  return [
    makeRow({
      id: '3a',
      measure: 'npm tarball size',
      unit: 'kB',
      ours: statSync(ours.file).size,
      anchorName,
      anchor: statSync(vite.file).size,
      goal: target.below(150_000, '150 kB'),
      note: `unpacked ${(ours.report.unpackedSize / 1000).toFixed(0)} kB in ${ours.report.entryCount} files (create-vite: ${(vite.report.unpackedSize / 1000).toFixed(0)} kB in ${vite.report.entryCount} files)`,
    }),
    makeRow({
      id: '3b',
      measure: 'packages installed by `npm create`',
      unit: 'packages',
      ours: oursPackages,
      anchorName,
      anchor: vitePackages,
      goal: target.exactly(1, '1 package'),
    }),
  ];
}
