/**
 * A kit's files are bytes: through a create and two updates (v1 -> v2 -> v3)
 * from a folder and from a tarball, an image stays byte for byte, a script
 * keeps its executable bit, an empty file and `_version.py` ([files] literal)
 * are written (from a folder, a tarball and a package on a local npm registry), a file with both kinds of line ending keeps each line's own,
 * a Latin-1 file is never decoded; a change of mode in the kit is applied
 * where the user left the bit alone, and the user's own chmod is kept.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, tempDir } from './helpers/cli.ts';
import { startRegistry, type Registry } from './helpers/registry.ts';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28]);
const LATIN1 = Buffer.from('caf\xe9 M\xfcller\n', 'latin1');
const MIXED = 'GET / HTTP/1.1\r\nHost: x\r\n\r\nline two\nline three\n';

interface KitVersion {
  version: string;
  logo: Buffer;
  script: string;
  /** tools/check.sh: executable in this version? */
  checkExecutable: boolean;
}

const V1: KitVersion = { version: '1.0.0', logo: PNG, script: '#!/bin/sh\necho release v1\n', checkExecutable: false };
const V2: KitVersion = { version: '2.0.0', logo: Buffer.concat([PNG, Buffer.from([0x00, 0x01])]), script: '#!/bin/sh\necho release v2\n', checkExecutable: true };
const V3: KitVersion = { version: '3.0.0', logo: Buffer.concat([PNG, Buffer.from([0x00, 0x02])]), script: '#!/bin/sh\necho release v3\n', checkExecutable: true };

function writeKit(dir: string, v: KitVersion): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const put = (path: string, content: string | Buffer, mode = 0o644) => {
    mkdirSync(join(dir, 'files', path, '..'), { recursive: true });
    writeFileSync(join(dir, 'files', path), content);
    chmodSync(join(dir, 'files', path), mode);
  };
  writeFileSync(join(dir, 'kit.toml'), `[kit]\nname = "bytes-kit"\nversion = "${v.version}"\n\n[files]\nliteral = ["_version.py"]\n`);
  put('static/logo.png', v.logo);
  put('scripts/release.sh', v.script, 0o755);
  put('tools/check.sh', '#!/bin/sh\nexit 0\n', v.checkExecutable ? 0o755 : 0o644);
  put('pkg/__init__.py', '');
  put('data/_gitkeep', '');
  put('_version.py', `__version__ = "${v.version}"\n`);
  put('fixtures/request.http', MIXED);
  put('docs/latin1.txt', LATIN1);
}

let registryEnv: Record<string, string> = {};

/** The kit as a folder, packed as npm would (package/ inside a .tgz), or published to a local npm registry. */
function kitSource(root: string, v: KitVersion, as: 'folder' | 'tarball' | 'registry'): string {
  const dir = join(root, `kit-${v.version}`);
  writeKit(dir, v);
  if (as === 'folder') return dir;
  if (as === 'registry') {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'bytes-kit', version: v.version, files: ['kit.toml', 'files'] }));
    const published = spawnSync('npm', ['publish', dir, '--ignore-scripts'], { env: { ...process.env, ...registryEnv }, encoding: 'utf8' });
    assert.equal(published.status, 0, published.stderr);
    return `bytes-kit@${v.version}`;
  }
  const staging = join(root, `pack-${v.version}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging);
  spawnSync('cp', ['-a', dir, join(staging, 'package')]);
  const tarball = join(root, `bytes-kit-${v.version}.tgz`);
  assert.equal(spawnSync('tar', ['-czf', tarball, '-C', staging, 'package']).status, 0);
  return tarball;
}

const bytes = (dir: string, path: string) => readFileSync(join(dir, path));
const executable = (dir: string, path: string) => (statSync(join(dir, path)).mode & 0o100) !== 0;

function git(dir: string, ...args: string[]): void {
  assert.equal(spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: dir }).status, 0);
}

for (const as of ['folder', 'tarball', 'registry'] as const) {
  describe(`kit files as bytes, from a ${as}`, { timeout: 120_000 }, () => {
    let registry: Registry | undefined;
    if (as === 'registry') {
      before(async () => {
        registry = await startRegistry();
        registryEnv = { NPM_CONFIG_USERCONFIG: registry.userconfig, npm_config_cache: tempDir('cff-npm-cache-') };
      });
      after(async () => registry?.stop());
    }
    it('create, then v2 and v3: bytes, modes, names, empty files and line endings hold; a changed image is a conflict, never merged', () => {
      const root = tempDir('cff-bytes-');
      const create = runCli(['app', '--kit', kitSource(root, V1, as), '--yes', '--no-git', '--no-lock', '--postgres', 'none'], { cwd: root, env: registryEnv });
      assert.equal(create.status, 0, create.stderr);
      const dir = join(root, 'app');
      assert.deepEqual(bytes(dir, 'static/logo.png'), PNG, 'the image, byte for byte');
      assert.deepEqual(bytes(dir, 'docs/latin1.txt'), LATIN1, 'a Latin-1 file, never decoded');
      assert.equal(bytes(dir, 'fixtures/request.http').toString(), MIXED, 'each line keeps its ending');
      assert.equal(executable(dir, 'scripts/release.sh'), true, 'the script is executable');
      assert.equal(executable(dir, 'tools/check.sh'), false);
      assert.equal(readFileSync(join(dir, 'pkg/__init__.py'), 'utf8'), '', 'an empty file is written');
      assert.ok(existsSync(join(dir, 'data/.gitkeep')), '_gitkeep becomes .gitkeep');
      assert.ok(existsSync(join(dir, '_version.py')), '[files] literal keeps the underscore');
      const record = JSON.parse(readFileSync(join(dir, '.create-fly-fastapi/manifest.json'), 'utf8'));
      assert.equal(record.files['static/logo.png'].binary, true);
      assert.equal(record.files['static/logo.png'].text, undefined);
      assert.equal(record.files['scripts/release.sh'].executable, true);
      git(dir, 'init', '--quiet');
      git(dir, 'add', '--all');
      git(dir, 'commit', '--quiet', '-m', 'v1');

      // The user makes a kit file executable: an update keeps it, and says so.
      chmodSync(join(dir, 'docs/latin1.txt'), 0o755);
      git(dir, 'commit', '--quiet', '-am', 'chmod');
      const v2 = runCli(['--update', '--kit', kitSource(root, V2, as), '--json'], { cwd: dir, env: registryEnv });
      assert.equal(v2.status, 0, v2.stderr);
      const report2 = JSON.parse(v2.stdout) as { from: string; to: string; kit?: { name: string; from?: string; to: string }; files: { path: string; status: string; reason?: string }[] };
      assert.deepEqual(report2.kit, { name: 'bytes-kit', from: '1.0.0', to: '2.0.0' }, 'the report says the kit moved');
      assert.deepEqual(bytes(dir, 'static/logo.png'), V2.logo, 'the image replaced, byte for byte (you left it alone)');
      assert.equal(readFileSync(join(dir, 'scripts/release.sh'), 'utf8'), V2.script);
      assert.equal(executable(dir, 'scripts/release.sh'), true, 'still executable after its content changed');
      assert.equal(executable(dir, 'tools/check.sh'), true, "the kit's change of mode is applied");
      assert.equal(report2.files.find((file) => file.path === 'tools/check.sh')?.reason, 'made executable');
      assert.equal(executable(dir, 'docs/latin1.txt'), true, 'your chmod is kept');
      assert.match(report2.files.find((file) => file.path === 'docs/latin1.txt')?.reason ?? '', /your chmod is kept/);
      assert.deepEqual(bytes(dir, 'docs/latin1.txt'), LATIN1);
      assert.equal(bytes(dir, 'fixtures/request.http').toString(), MIXED);
      git(dir, 'add', '--all');
      git(dir, 'commit', '--quiet', '-m', 'v2');

      // The user edits the image; v3 changes it too: a conflict, the new one beside it, exit 5.
      const edited = Buffer.concat([V2.logo, Buffer.from([0xaa])]);
      writeFileSync(join(dir, 'static/logo.png'), edited);
      git(dir, 'commit', '--quiet', '-am', 'my logo');
      const v3 = runCli(['--update', '--kit', kitSource(root, V3, as), '--on-conflict', 'markers'], { cwd: dir, env: registryEnv });
      assert.equal(v3.status, 5, v3.stderr);
      assert.deepEqual(bytes(dir, 'static/logo.png'), edited, 'yours is untouched: bytes are never marked or merged');
      assert.deepEqual(bytes(dir, 'static/logo.png.new'), V3.logo, 'ours beside it, byte for byte');
      assert.match(v3.stdout, /conflict\s+static\/logo\.png\s+changed by you and by us, and not text/);
      assert.match(v3.stdout.split('\n')[0]!, /: create-fly-fastapi \S+ -> \S+; kit bytes-kit 2\.0\.0 -> 3\.0\.0$/);
    });
  });
}

describe('a managed text file with bytes that are not UTF-8', () => {
  it('D12: a Latin-1 comment in fly.toml is never rewritten as U+FFFD: the update is a conflict, yours untouched', () => {
    const root = tempDir('cff-bytes-');
    assert.equal(runCli(['app', '--yes', '--no-git', '--no-lock'], { cwd: root }).status, 0);
    const dir = join(root, 'app');
    const yours = Buffer.concat([readFileSync(join(dir, 'fly.toml')), Buffer.from('# owner: Jos\xe9 M\xfcller\n', 'latin1')]);
    writeFileSync(join(dir, 'fly.toml'), yours);
    const run = runCli(['--update', '--scaling', 'always-on'], { cwd: dir });
    assert.equal(run.status, 5, run.stderr);
    assert.deepEqual(readFileSync(join(dir, 'fly.toml')), yours);
    assert.ok(existsSync(join(dir, 'fly.toml.new')));
  });
});
