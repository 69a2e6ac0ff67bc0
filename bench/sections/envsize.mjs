// 6. The runtime environment a deploy ships: the venv the Dockerfile builds.
import { say } from '../lib/log.mjs';
import { countDistributions, dirSize, runtimeProjects } from '../lib/projects.mjs';
import { makeRow } from '../lib/rows.mjs';

export function measureEnvSize(ctx) {
  say('6. runtime environment size (uv sync --locked --no-dev --no-install-project, copied, byte-compiled)');
  const projects = runtimeProjects(ctx);
  const anchor = dirSize(projects.fastapiNew.venv);
  const anchorDists = countDistributions(projects.fastapiNew.venv);
  const anchorName = `fastapi-new ${ctx.tools.fastapiNew.version} (fastapi[standard])`;
  return [
    ['6a', 'runtime venv: default (Postgres)', projects.postgres],
    ['6b', 'runtime venv: --no-postgres', projects.noPostgres],
  ].map(([id, measure, project]) => {
    const size = dirSize(project.venv);
    return makeRow({
      id,
      measure,
      unit: 'MB',
      ours: size.bytes,
      anchorName,
      anchor: anchor.bytes,
      note: `${countDistributions(project.venv)} distributions, ${size.files} files (fastapi-new: ${anchorDists} distributions, ${anchor.files} files)`,
    });
  });
}
