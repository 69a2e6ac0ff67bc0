/** What an update asks uv to add and remove, from the record, the new plan and pyproject.toml on disk. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { declared, dependencyChange, uvCommands } from '../src/reconcile/dependencies.ts';

const PYPROJECT = `# mine
[project]
name = "x"
dependencies = [
    "fastapi>=0.1",
    "SQLAlchemy[asyncio]>=2",  # kept by name, whatever the spelling
    "httpx>=0.27",
]

[dependency-groups]
dev = ["pytest>=8"]
`;

describe('dependencyChange', () => {
  it('adds what the plan needs and the file lacks, removes what we asked for before and no longer do', () => {
    const base = { main: ['fastapi>=0.1', 'sqlalchemy[asyncio]>=2.1', 'alembic>=1'], dev: ['pytest>=8'] };
    const next = { main: ['fastapi>=0.1', 'uvloop>=0.2'], dev: ['pytest>=8', 'ruff>=0.1'] };
    const change = dependencyChange(base, next, declared(PYPROJECT));
    // alembic was ours but is already gone from the file; httpx was never ours.
    assert.deepEqual(change, { add: ['uvloop>=0.2'], remove: ['sqlalchemy'], addDev: ['ruff>=0.1'], removeDev: [] });
    assert.deepEqual(uvCommands(change, false), [['remove', '--frozen', 'sqlalchemy'], ['add', '--frozen', 'uvloop>=0.2'], ['add', '--dev', '--frozen', 'ruff>=0.1']]);
    assert.deepEqual(uvCommands(change, true)[0], ['remove', 'sqlalchemy']);
  });

  it('without a base (a format 1 record) removes nothing', () => {
    const change = dependencyChange(undefined, { main: ['fastapi>=0.1'], dev: [] }, declared(PYPROJECT));
    assert.deepEqual(change.remove, []);
    assert.deepEqual(change.add, []);
  });
});
