/** The one decision step and the merge under it, as a table of cases. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { merge3 } from '../src/reconcile/diff3.ts';
import { fileMode } from '../src/record/fileModes.ts';
import { mergeCheck, reconcileFile, type Action, type Base } from '../src/reconcile/reconcile.ts';
import { textHash } from '../src/content.ts';

const B = 'a\nb\nc\nd\ne\n';
const managed = (text: string): Base => ({ text, sha256: textHash(text) });
const seed = (text: string): Base => ({ sha256: textHash(text) });

const CASES: { what: string; base?: Base; disk?: string; next?: string; mode?: 'managed' | 'seed'; action: Action; write?: string }[] = [
  { what: 'new file, nothing there', next: B, action: 'create', write: B },
  { what: 'new file, the same text there', disk: B, next: B, action: 'identical' },
  { what: 'new file, another file in the way', disk: 'x\n', next: B, action: 'in-the-way' },
  { what: 'yours = new', base: managed('old\n'), disk: B, next: B, action: 'identical' },
  { what: 'yours = base: updated', base: managed(B), disk: B, next: 'a\nB\nc\nd\ne\n', action: 'update', write: 'a\nB\nc\nd\ne\n' },
  { what: 'new = base: your edit stays', base: managed(B), disk: 'a\nb\nX\nd\ne\n', next: B, action: 'keep' },
  { what: 'all differ, apart: merged', base: managed(B), disk: 'a\nb\nc\nd\ne\nmine\n', next: 'A\nb\nc\nd\ne\n', action: 'merge', write: 'A\nb\nc\nd\ne\nmine\n' },
  { what: 'all differ, same line: conflict', base: managed(B), disk: 'a\nb\nX\nd\ne\n', next: 'a\nb\nY\nd\ne\n', action: 'conflict' },
  { what: 'both made the same edit', base: managed(B), disk: 'a\nb\nZ\nd\ne\nz\n', next: 'a\nb\nZ\nd\ne\n', action: 'merge', write: 'a\nb\nZ\nd\ne\nz\n' },
  { what: 'deleted by you', base: managed(B), next: 'a\n', action: 'deleted-by-you' },
  { what: 'left the plan, unchanged: removed', base: managed(B), disk: B, action: 'remove' },
  { what: 'left the plan, changed: kept', base: managed(B), disk: 'a\n', action: 'keep' },
  { what: 'left the plan, already gone', base: managed(B), action: 'gone' },
  { what: 'seed unchanged: updated', base: seed(B), disk: B, next: 'n\n', mode: 'seed', action: 'update', write: 'n\n' },
  { what: 'seed changed: kept, never merged', base: seed(B), disk: 'a\nb\nc\nd\ne\nmine\n', next: 'A\nb\nc\nd\ne\n', mode: 'seed', action: 'keep' },
  { what: 'format 1 base, managed differs: conflict', base: {}, disk: B, next: 'n\n', action: 'conflict' },
  { what: 'format 1 base, seed differs: kept', base: {}, disk: B, next: 'n\n', mode: 'seed', action: 'keep' },
  { what: 'CRLF copy of base: updated, CRLF kept', base: managed(B), disk: B.replace(/\n/g, '\r\n'), next: 'a\n', action: 'update', write: 'a\r\n' },
  { what: 'CRLF copy of new: identical', base: managed('old\n'), disk: B.replace(/\n/g, '\r\n'), next: B, action: 'identical' },
];

describe('reconcileFile', () => {
  for (const c of CASES) {
    it(c.what, () => {
      const decision = reconcileFile(c.base, c.disk, c.next, c.mode ?? 'managed');
      assert.equal(decision.action, c.action);
      if (c.write !== undefined) assert.equal(decision.write, c.write);
      if (c.action === 'conflict' || c.action === 'in-the-way') assert.match(decision.markers ?? '', /^<<<<<<< yours$/m);
      if (['identical', 'keep', 'conflict', 'deleted-by-you', 'in-the-way', 'gone', 'remove'].includes(c.action)) assert.equal(decision.write, undefined);
    });
  }

  it('something that is not a file where ours goes is in the way, never read; where none goes, nothing to do', () => {
    const notAFile = { notAFile: true, at: 'fly.toml', kind: 'a FIFO' } as const;
    assert.deepEqual(reconcileFile(managed('x\n'), notAFile, 'n\n', 'managed'), { action: 'in-the-way', reason: 'something that is not a file is where this one goes', markers: 'n\n' });
    assert.equal(reconcileFile(undefined, notAFile, 'n\n', 'seed').action, 'in-the-way');
    assert.equal(reconcileFile(managed('x\n'), notAFile, undefined, 'managed').action, 'gone');
  });

  it('a clean merge of fly.toml that breaks an invariant is a conflict', () => {
    const base = 'app = "x"\n\n[http_service]\ninternal_port = 8000\n';
    const files = new Map([['Dockerfile', 'FROM x\nEXPOSE 8000\nCMD ["uvicorn", "app.main:app", "--port", "8000"]\n'], ['pyproject.toml', ''], ['app/main.py', '']]);
    const decision = reconcileFile(managed(base), base.replace('8000', '9000'), `# new\n${base}`, 'managed', mergeCheck('fly.toml', files));
    assert.equal(decision.action, 'conflict');
    assert.match(decision.reason!, /merge would not work/);
  });

  it('a clean merge of a TOML file that does not parse is a conflict', () => {
    const base = '[a]\nx = 1\n\n[b]\ny = 2\n';
    const decision = reconcileFile(managed(base), base.replace('x = 1', 'x = 1\nz = 3'), `${base.replace('y = 2', 'y = 2\nz = 3')}`, 'managed', mergeCheck('kit.toml', new Map()));
    // Both merges are textually clean, so only the parse check can catch the result.
    assert.equal(merge3(base, base.replace('x = 1', 'x = 1\nz = 3'), base.replace('y = 2', 'y = 2\nz = 3')).conflicts, 0);
    assert.equal(decision.action, 'merge');
    const broken = reconcileFile(managed(base), base.replace('[b]', '[a]'), `# top\n${base}`, 'managed', mergeCheck('x.toml', new Map()));
    assert.equal(broken.action, 'conflict');
    assert.match(broken.reason!, /would not parse/);
  });
});

describe('fileMode', () => {
  it('manages the wiring and seeds the rest', () => {
    for (const path of ['Dockerfile', 'fly.toml', '.dockerignore', '.github/workflows/ci.yml', 'app/platform/db.py']) assert.equal(fileMode(path, 'create-fly-fastapi'), 'managed', path);
    for (const path of ['app/main.py', 'README.md', 'pyproject.toml', 'tests/test_items.py', '.github/dependabot.yml']) assert.equal(fileMode(path, 'create-fly-fastapi'), 'seed', path);
    assert.equal(fileMode('app/main.py', 'kit'), 'managed');
  });
});
