/** What --adopt found and where it found it, as lines shown before anything is written. */
import type { AdoptionPlan } from './plan.ts';
import type { Detection } from './detect.ts';
import { entrypointText } from './entrypoint.ts';

export function describeDetection(detection: Detection): [string, string][] {
  const { entrypoint, python, port, alembic, health } = detection;
  return [
    ['uv', detection.uv],
    ['FastAPI', detection.fastapi],
    ['entrypoint', `${entrypointText(entrypoint)}${entrypoint.appDir ? ` (on sys.path: ${entrypoint.appDir}/)` : ''}, from ${entrypoint.from}`],
    ['Python', `${python.version}, from ${python.from}`],
    ['port', `${port.port}, from ${port.from}`],
    ['migrations', alembic ? `Alembic (${alembic.ini}, ${alembic.folder}/)${alembic.runsIn ? `, run from ${alembic.runsIn}/` : ''}: release command \`${alembic.releaseCommand}\`` : 'none (no alembic.ini with a migrations folder)'],
    ['image holds', `the build context less .dockerignore (imports found: ${detection.runtime.join(', ')})`],
    ['health check', health.kind === 'http' ? `GET ${health.path}, from ${health.from}` : `TCP connect on ${port.port}: ${health.from}`],
  ];
}

export function formatDetection(detection: Detection): string {
  const rows = describeDetection(detection);
  const width = Math.max(...rows.map(([key]) => key.length));
  return rows.map(([key, value]) => `${key.padEnd(width)}  ${value}`).join('\n');
}

export function formatWrites(plan: AdoptionPlan): string {
  return plan.files.map((file) => `  ${file.path.padEnd(36)} ${String(Buffer.byteLength(file.content)).padStart(6)} B`).join('\n');
}
