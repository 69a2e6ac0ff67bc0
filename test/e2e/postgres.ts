/**
 * The PostgreSQL server the tier borrows: one fresh database per use, dropped
 * at the end. TEST_PG_URL names the admin connection; psql does the talking,
 * so a machine without psql is told so instead of failing obscurely.
 */
import { createConnection } from 'node:net';
import { CheckFailure, findExecutable, gist, run, tail } from './run.ts';

const DEFAULT_ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
/**
 * Every database the tier makes is named cff_e2e_<pid>_..., so a run drops its
 * own and the leftovers of runs that were killed, never those of a run still going.
 */
const PREFIX = 'cff_e2e_';
const RUN_PREFIX = `${PREFIX}${process.pid}_`;

export interface AdminDb {
  psql: string;
  adminUrl: string;
  env: NodeJS.ProcessEnv;
}

function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port, timeout: 2_000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
  });
}

export async function findPostgres(dirs: readonly string[], env: NodeJS.ProcessEnv): Promise<AdminDb | { problem: string }> {
  const adminUrl = process.env.TEST_PG_URL ?? DEFAULT_ADMIN_URL;
  const url = new URL(adminUrl);
  const where = `${url.hostname}:${url.port || 5432}`;
  const psql = findExecutable('psql', dirs);
  const psqlEnv = { ...env, PGCONNECT_TIMEOUT: '5' };
  const probe = psql ? await run(psql, ['-X', '-Atc', 'select 1', adminUrl], { cwd: '/', env: psqlEnv, timeoutMs: 15_000 }) : undefined;
  if (psql && probe?.code === 0) return { psql, adminUrl, env: psqlEnv };
  if (!(await listening(url.hostname, Number(url.port || 5432)))) {
    return { problem: `no PostgreSQL answers on ${where} (set TEST_PG_URL to use another server)` };
  }
  if (!probe || probe.code === null) return { problem: `PostgreSQL listens on ${where}, but psql is not installed: it creates the test databases` };
  return { problem: `psql could not connect with ${redact(adminUrl)}: ${tail(probe.output, 2)}` };
}

/** A URL for messages: the password, if any, is never printed. */
export function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

export function databaseUrl(admin: AdminDb, database: string): string {
  const url = new URL(admin.adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function psql(admin: AdminDb, sql: string, url = admin.adminUrl): Promise<string> {
  const result = await run(admin.psql, ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-c', sql, url], { cwd: '/', env: admin.env, timeoutMs: 30_000 });
  if (result.code !== 0) throw new CheckFailure(`psql: ${gist(result.output)} (${sql})\n${tail(result.output)}`);
  return result.output.trim();
}

export function databaseName(label: string): string {
  return `${RUN_PREFIX}${label}`.replace(/[^a-z0-9_]/g, '_').slice(0, 63);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function createDatabase(admin: AdminDb, name: string): Promise<string> {
  await psql(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await psql(admin, `CREATE DATABASE ${name}`);
  return databaseUrl(admin, name);
}

/** Drops this run's databases and those of earlier runs that are gone. */
export async function dropTierDatabases(admin: AdminDb): Promise<void> {
  const names = await psql(admin, `SELECT datname FROM pg_database WHERE left(datname, ${PREFIX.length}) = '${PREFIX}'`);
  for (const name of names.split('\n').filter(Boolean)) {
    const pid = Number(/^cff_e2e_(\d+)_/.exec(name)?.[1]);
    if (name.startsWith(RUN_PREFIX) || !pid || !alive(pid)) await psql(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

export function query(admin: AdminDb, url: string, sql: string): Promise<string> {
  return psql(admin, sql, url);
}
