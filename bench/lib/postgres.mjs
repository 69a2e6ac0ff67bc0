// The PostgreSQL database both apps of section 5 read from, through psql.
import { run } from './proc.mjs';

/** Server URL without a database name; BENCH_PG_URL overrides it. */
export const SERVER_URL = (process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432').replace(/\/+$/, '');
export const DATABASE = 'create_fly_fastapi_bench';

export function databaseUrl(name = DATABASE) {
  return `${SERVER_URL}/${name}`;
}

function psql(sql, database = 'postgres') {
  return run('psql', [databaseUrl(database), '-v', 'ON_ERROR_STOP=1', '-qAtc', sql]).stdout.trim();
}

/** undefined when the server answers, otherwise why it cannot be used. */
export function unavailableReason() {
  try {
    psql('SELECT 1');
    return undefined;
  } catch (error) {
    return `no PostgreSQL at ${SERVER_URL} (set BENCH_PG_URL): ${error.message.split('\n')[0]}`;
  }
}

export function recreateDatabase() {
  dropDatabase();
  psql(`CREATE DATABASE ${DATABASE}`);
}

export function dropDatabase() {
  psql(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
}

/** Fills the table the migration made; VACUUM ANALYZE so both apps meet the same settled table. */
export function seedItems(rows) {
  psql(`INSERT INTO items (name) SELECT 'item ' || g FROM generate_series(1, ${rows}) AS g`, DATABASE);
  psql('VACUUM ANALYZE items', DATABASE);
  return Number(psql('SELECT count(*) FROM items', DATABASE));
}
