/**
 * Many clients at once, as Fly's proxy hands a Machine its share of traffic:
 * `load` keeps `connections` requests in flight until `requests` have been
 * answered, and counts what came back. A connection that fails (reset,
 * refused, no answer in time) is counted as status 0 with its error code,
 * never thrown: under a fault, how many failed is the finding.
 */
import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';
import { processTree } from './server.ts';

export interface LoadResult {
  /** Status code (0: the connection failed) to count. */
  statuses: Map<number, number>;
  /** Error codes of failed connections (ECONNRESET, timeout...) to count. */
  errors: Map<string, number>;
  latenciesMs: number[];
  /** Bodies of answers that were not the expected kind, a few for the message. */
  samples: string[];
}

export interface LoadSpec {
  method?: 'GET' | 'POST';
  path: string;
  body?: string;
  connections: number;
  requests: number;
  timeoutMs: number;
  /** Called every 100 ms while the load runs, for sampling memory. */
  onTick?: () => void;
}

function once(agent: Agent, baseUrl: string, spec: LoadSpec): Promise<{ status: number; ms: number; body: string; error?: string }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const url = new URL(spec.path, baseUrl);
    const headers = spec.body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(spec.body) } : undefined;
    const req = request(url, { method: spec.method ?? 'GET', agent, headers, timeout: spec.timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: Date.now() - started, body }));
      res.on('error', (error: NodeJS.ErrnoException) => resolve({ status: 0, ms: Date.now() - started, body, error: error.code ?? error.message }));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ status: 0, ms: Date.now() - started, body: '', error: error.code ?? error.message }));
    req.end(spec.body);
  });
}

export async function load(baseUrl: string, spec: LoadSpec): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: spec.connections });
  const result: LoadResult = { statuses: new Map(), errors: new Map(), latenciesMs: [], samples: [] };
  const ticker = spec.onTick ? setInterval(spec.onTick, 100) : undefined;
  let started = 0;
  const worker = async () => {
    while (started < spec.requests) {
      started++;
      const answer = await once(agent, baseUrl, spec);
      result.statuses.set(answer.status, (result.statuses.get(answer.status) ?? 0) + 1);
      if (answer.error) result.errors.set(answer.error, (result.errors.get(answer.error) ?? 0) + 1);
      result.latenciesMs.push(answer.ms);
      if (result.samples.length < 3 && (answer.status === 0 || answer.status >= 500)) result.samples.push(`${answer.status}${answer.error ? ` ${answer.error}` : ''} ${answer.body.slice(0, 160)}`);
    }
  };
  try {
    await Promise.all(Array.from({ length: spec.connections }, worker));
  } finally {
    if (ticker) clearInterval(ticker);
    agent.destroy();
  }
  return result;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** "503 x200" or "200 x150, 0 x50 (ECONNRESET x50)". */
export function describeLoad(result: LoadResult): string {
  const statuses = [...result.statuses].sort(([a], [b]) => a - b).map(([status, count]) => `${status} x${count}`);
  const errors = [...result.errors].map(([code, count]) => `${code} x${count}`);
  return `${statuses.join(', ')}${errors.length ? ` (${errors.join(', ')})` : ''}, p50 ${percentile(result.latenciesMs, 50)} ms, max ${Math.max(...result.latenciesMs)} ms`;
}

/** Resident memory of `pid` and everything below it, in MB, from /proc (what the Machine's memory holds). */
export function treeRssMb(pid: number): number {
  let kb = 0;
  for (const member of processTree(pid)) {
    try {
      const status = readFileSync(`/proc/${member}/status`, 'utf8');
      kb += Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    } catch {
      // gone meanwhile
    }
  }
  return kb / 1024;
}
