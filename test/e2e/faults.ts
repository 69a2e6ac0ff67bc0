/**
 * The service under load, as a Machine sees it: `memory` holds the server's
 * resident memory under 50 concurrent clients to fly.toml's Machine size;
 * `faults` takes the database away under that load and requires fast 503s
 * (never a 500 or a dropped connection), a healthy liveness route, a log
 * that does not grow with the traffic, and 200s once the database is back.
 */
import type { DatabaseRelay } from './dbproxy.ts';
import { describeLoad, load, treeRssMb, type LoadResult } from './load.ts';
import { CheckFailure } from './run.ts';
import { expectStatus, httpRequest } from './server.ts';
import type { RunningContainer } from './container.ts';

export const CONNECTIONS = 50;
/** The share of the Machine's memory the server may hold at its peak: the rest is the kernel, init and headroom. */
export const MEMORY_SHARE = 0.6;

function only(result: LoadResult, status: number): boolean {
  return result.statuses.size === 1 && result.statuses.has(status);
}

/** Peak resident memory under load on `paths`, against the Machine's memory. */
export async function memoryUnderLoad(server: RunningContainer, paths: string[], machineMb: number): Promise<string> {
  const idle = treeRssMb(server.pid);
  let peak = idle;
  const sample = () => (peak = Math.max(peak, treeRssMb(server.pid)));
  for (const path of paths) {
    const result = await load(server.baseUrl, { path, connections: CONNECTIONS, requests: 2000, timeoutMs: 10_000, onTick: sample });
    if (!only(result, 200)) throw new CheckFailure(`GET ${path} under ${CONNECTIONS} clients: ${describeLoad(result)}\n${result.samples.join('\n')}`);
  }
  sample();
  const budget = machineMb * MEMORY_SHARE;
  const figures = `idle ${idle.toFixed(0)} MB, peak ${peak.toFixed(0)} MB under ${CONNECTIONS} clients on ${paths.join(', ')}`;
  if (peak > budget) throw new CheckFailure(`${figures}: beyond ${budget.toFixed(0)} MB (${MEMORY_SHARE * 100}% of the ${machineMb} MB Machine in fly.toml); the Machine would swap or be OOM-killed`);
  return `${figures}; budget ${budget.toFixed(0)} MB (${MEMORY_SHARE * 100}% of ${machineMb} MB)`;
}

/** Lines the server logged between two reads of its logs. */
function linesSince(before: string, after: string): number {
  return after.slice(before.length).split('\n').filter((line) => line.trim()).length;
}

/**
 * With the database refusing, then silent, every request of a 50-client load
 * must get a 503 within `boundSeconds`, the liveness route must stay 200, and
 * the log must stay small; then the database returns and /items answers 200.
 */
export async function faultsUnderLoad(server: RunningContainer, relay: DatabaseRelay, livenessPath: string, boundSeconds: number): Promise<string> {
  const rows: string[] = [];
  const spec = { path: '/items', connections: CONNECTIONS, requests: 2 * CONNECTIONS, timeoutMs: (boundSeconds + 5) * 1000 };
  const healthy = await load(server.baseUrl, spec);
  if (!only(healthy, 200)) throw new CheckFailure(`GET /items under ${CONNECTIONS} clients with the database up: ${describeLoad(healthy)}\n${healthy.samples.join('\n')}`);
  rows.push(`up: ${describeLoad(healthy)}`);
  for (const mode of ['refuse', 'hang'] as const) {
    const logsBefore = await server.logs();
    await relay.down(mode);
    const result = await load(server.baseUrl, spec);
    const logged = linesSince(logsBefore, await server.logs());
    const what = mode === 'refuse' ? 'refused' : 'silent';
    if (!only(result, 503)) throw new CheckFailure(`with the database ${what}, GET /items under ${CONNECTIONS} clients: ${describeLoad(result)}, expected 503 only\n${result.samples.join('\n')}`);
    const slowest = Math.max(...result.latenciesMs);
    if (slowest > boundSeconds * 1000) throw new CheckFailure(`with the database ${what}, a 503 took ${(slowest / 1000).toFixed(1)} s, beyond ${boundSeconds} s (connect timeout + pool timeout)`);
    // uvicorn's access log writes one line per request; anything the app adds must not grow with the load.
    const appLines = logged - spec.requests;
    if (appLines > 20) throw new CheckFailure(`with the database ${what}, ${spec.requests} requests logged ${appLines} lines beyond the access log: an outage floods the log`);
    await expectStatus(server.baseUrl, livenessPath, 200);
    rows.push(`${what}: ${describeLoad(result)}, ${appLines} app log lines for ${spec.requests} requests, ${livenessPath} 200`);
    await relay.up();
  }
  const back = Date.now();
  for (;;) {
    const { status } = await httpRequest(`${server.baseUrl}/items`);
    if (status === 200) break;
    if (Date.now() - back > 30_000) throw new CheckFailure(`/items still answers ${status} 30 s after the database came back`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const recovered = await load(server.baseUrl, spec);
  if (!only(recovered, 200)) throw new CheckFailure(`after the database came back: ${describeLoad(recovered)}`);
  rows.push(`back: 200 within ${((Date.now() - back) / 1000).toFixed(1)} s, then ${describeLoad(recovered)}`);
  return rows.join('; ');
}

