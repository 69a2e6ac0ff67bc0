/** Reading a record back: format 2 as written, format 1 as 0.1.0 wrote it, and what is refused. */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseRecord, RecordError } from '../src/record/readRecord.ts';
import { RECORD_PATH } from '../src/record/record.ts';
import { textHash } from '../src/content.ts';
import { update } from '../src/runs/update.ts';
import { tempDir } from './helpers/cli.ts';

const FIXTURE = new URL('./fixtures/release-0.1.0/default/', import.meta.url).pathname;
const GOLDEN = new URL('./fixtures/golden/default/', import.meta.url).pathname;

describe('parseRecord', () => {
  it('reads format 2 with a hash for every file and the text of managed ones only', () => {
    const record = parseRecord(readFileSync(join(GOLDEN, RECORD_PATH), 'utf8'), 'golden');
    assert.equal(record.format, 2);
    const fly = record.files['fly.toml']!;
    assert.equal(fly.mode, 'managed');
    assert.equal(fly.sha256, textHash(readFileSync(join(GOLDEN, 'fly.toml'), 'utf8')));
    assert.equal(fly.text, readFileSync(join(GOLDEN, 'fly.toml'), 'utf8'));
    assert.equal(record.files['app/main.py']!.mode, 'seed');
    assert.equal(record.files['app/main.py']!.text, undefined);
    assert.ok(record.dependencies!.main.some((requirement) => requirement.startsWith('fastapi')));
  });

  it('reads format 1 (0.1.0) with owners only: every base unknown', () => {
    const record = parseRecord(readFileSync(join(FIXTURE, RECORD_PATH), 'utf8'), 'fixture');
    assert.equal(record.format, 1);
    assert.equal(record.mode, 'generated');
    assert.deepEqual(record.files['fly.toml'], { owner: 'create-fly-fastapi' });
    assert.equal(record.dependencies, undefined);
  });

  for (const [what, text, message] of [
    ['not JSON', '{', /not JSON/],
    ['no format', '{"files": {}}', /not a create-fly-fastapi record/],
    ['a file without an owner', JSON.stringify({ format: 2, generator: { version: '1.0.0' }, answers: {}, files: { x: {} } }), /files\["x"\] has no owner/],
  ] as const) {
    it(`refuses ${what}`, () => assert.throws(() => parseRecord(text, 'r'), (error: Error) => error instanceof RecordError && message.test(error.message)));
  }
});

describe('update() and the record', () => {
  it('refuses a larger format (exit 6) and a damaged record (exit 6), writing nothing', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, '.create-fly-fastapi'));
    writeFileSync(join(dir, RECORD_PATH), JSON.stringify({ format: 3, generator: { name: 'create-fly-fastapi', version: '0.0.0' } }));
    await assert.rejects(update({ directory: dir }), (error: Error & { exitCode?: number }) => error.exitCode === 6 && /is record format 3, newer than this create-fly-fastapi/.test(error.message));
    writeFileSync(join(dir, RECORD_PATH), '{ not json');
    await assert.rejects(update({ directory: dir }), (error: Error & { exitCode?: number }) => error.exitCode === 6 && /not JSON/.test(error.message));
  });
});
