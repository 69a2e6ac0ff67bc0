/**
 * Every way a kit is refused, through the built CLI: exit 2, one line naming
 * the kit file and key (or the source that failed), nothing written, and the
 * files already in the target left as they were.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, tempDir } from './helpers/cli.ts';
import { copyOfExampleKit, readTree } from './helpers/kit.ts';

const RUN = ['--workflows', '--no-lock', '--no-git', '--no-launch'];

function editToml(kit: string, edit: (text: string) => string): void {
  const file = join(kit, 'kit.toml');
  const before = readFileSync(file, 'utf8');
  const after = edit(before);
  assert.notEqual(after, before, 'the edit changes kit.toml');
  writeFileSync(file, after);
}

function addFile(kit: string, path: string, text: string): void {
  mkdirSync(join(kit, 'files', path, '..'), { recursive: true });
  writeFileSync(join(kit, 'files', path), text);
}

function dockerfile(port: number, copies: string[]): string {
  return [
    'FROM python:3.14-slim-trixie',
    'WORKDIR /app',
    ...copies.map((path) => `COPY ${path} /app/${path}`),
    `EXPOSE ${port}`,
    `CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "${port}"]`,
    '',
  ].join('\n');
}

interface Refusal {
  what: string;
  /** Changes a copy of the example kit; returns the --kit value when it is not that folder. */
  kit(dir: string): string | void;
  args?: string[];
  message: RegExp;
}

const K = String.raw`\S*/acme-kit/kit\.toml`;
const F = String.raw`\S*/acme-kit/files`;

const REFUSALS: Refusal[] = [
  { what: 'malformed TOML', kit: (d) => editToml(d, (t) => `${t}\n[defaults\n`), message: new RegExp(`^${K}: not valid TOML: `) },
  { what: 'an unknown table', kit: (d) => editToml(d, (t) => `${t}\n[hooks]\npostinstall = "./setup.sh"\n`), message: new RegExp(`^${K} \\[hooks\\]: unknown table \\(a kit has \\[kit\\], \\[defaults\\], \\[locked\\], \\[dependencies\\], \\[env\\], \\[files\\], \\[moved\\]\\)$`) },
  { what: 'an unknown key', kit: (d) => editToml(d, (t) => t.replace('scaling = "warm"', 'scale = "warm"')), message: new RegExp(`^${K} \\[defaults\\]: unknown key 'scale' \\(allowed: postgres, scaling, `) },
  { what: 'the app name in a kit', kit: (d) => editToml(d, (t) => t.replace('[locked]', '[locked]\nname = "shared"')), message: new RegExp(`^${K} \\[locked\\]: unknown key 'name'`) },
  { what: 'an invalid value', kit: (d) => editToml(d, (t) => t.replace('scaling = "warm"', 'scaling = "sometimes"')), message: new RegExp(`^${K} \\[defaults\\] scaling: 'sometimes' is not one of suspend, stop, warm, always-on$`) },
  { what: 'a retired region', kit: (d) => editToml(d, (t) => t.replace('regions = ["fra", "ams"]', 'regions = ["sea"]')), message: new RegExp(`^${K} \\[defaults\\] regions: region 'sea' was retired by Fly.io; use 'sjc' instead$`) },
  { what: 'a value of the wrong type', kit: (d) => editToml(d, (t) => t.replace('min-machines = 2', 'min-machines = "two"')), message: new RegExp(`^${K} \\[defaults\\] min-machines: 'two' is not a whole number$`) },
  { what: 'a key both locked and a default', kit: (d) => editToml(d, (t) => t.replace('[locked]', '[locked]\nscaling = "stop"')), message: new RegExp(`^${K} \\[locked\\] scaling: also in \\[defaults\\]`) },
  { what: 'a lock contradicting a flag', kit: () => {}, args: ['--postgres', 'none'], message: new RegExp(`^--postgres none contradicts ${K} \\[locked\\] postgres = managed$`) },
  { what: 'a requires range we are not in', kit: (d) => editToml(d, (t) => t.replace('requires = ">=0.1"', 'requires = ">=99"')), message: new RegExp(`^${K} \\[kit\\] requires: acme-fastapi 1\\.4\\.0 needs create-fly-fastapi >=99; this is \\d+\\.\\d+\\.\\d+$`) },
  { what: 'a requires range we cannot read', kit: (d) => editToml(d, (t) => t.replace('requires = ">=0.1"', 'requires = "0.1 - 0.9"')), message: new RegExp(`^${K} \\[kit\\] requires: '0\\.1 - 0\\.9': hyphen ranges are not supported; use >= and <$`) },
  { what: 'a symlink in files/', kit: (d) => symlinkSync('/etc/hostname', join(d, 'files', 'hostname')), message: new RegExp(`^${F}/hostname: a symbolic link; a kit's files must be plain files$`) },
  { what: 'a files/ path escaping the project', kit: (d) => addFile(d, '_./escape.txt', 'x'), message: new RegExp(`^${F}/_\\./escape\\.txt: '\\.\\./escape\\.txt' is not a path inside the project$`) },
  { what: 'a removal escaping the project', kit: (d) => editToml(d, (t) => t.replace('remove = [', 'remove = ["../outside.txt", ')), message: new RegExp(`^${K} \\[files\\] remove: '\\.\\./outside\\.txt' is not a path inside the project$`) },
  { what: 'a removal of a file we never write', kit: (d) => editToml(d, (t) => t.replace('remove = [', 'remove = ["app/nope.py", ')), message: new RegExp(`^${K} \\[files\\] remove: 'app/nope\\.py' is not a file create-fly-fastapi writes$`) },
  { what: 'a file in place of fly.toml', kit: (d) => addFile(d, 'fly.toml', 'app = "x"\n'), message: new RegExp(`^${F}/fly\\.toml: a kit cannot write fly\\.toml: fly\\.toml is built from the options`) },
  { what: 'a file in place of the record', kit: (d) => addFile(d, '_create-fly-fastapi/manifest.json', '{}'), message: new RegExp(`^${F}/_create-fly-fastapi/manifest\\.json: a kit cannot write \\.create-fly-fastapi/manifest\\.json`) },
  { what: 'a Dockerfile on another port', kit: (d) => addFile(d, 'Dockerfile', dockerfile(8080, ['app', 'alembic.ini', 'migrations'])), message: new RegExp(`^${F}/Dockerfile: serves port 8080, but fly\\.toml's internal_port and checks use 8000$`) },
  { what: 'a Dockerfile serving $PORT from its ENV on another port', kit: (d) => addFile(d, 'Dockerfile', dockerfile(8000, ['app', 'alembic.ini', 'migrations']).replace('EXPOSE 8000', 'ENV PORT=9000').replace(/CMD .*/, 'CMD uvicorn app.main:app --host 0.0.0.0 --port $PORT')), message: new RegExp(`^${F}/Dockerfile: serves port 9000, but fly\\.toml's internal_port and checks use 8000$`) },
  { what: 'a Dockerfile serving a port from a variable it never sets', kit: (d) => addFile(d, 'Dockerfile', dockerfile(8000, ['app', 'alembic.ini', 'migrations']).replace(/CMD .*/, 'CMD uvicorn app.main:app --host 0.0.0.0 --port ${APP_PORT}')), message: new RegExp(`^${F}/Dockerfile: CMD takes --port from a variable its ENV does not set`) },
  { what: 'a Dockerfile without the migrations', kit: (d) => addFile(d, 'Dockerfile', dockerfile(8000, ['app', 'alembic.ini'])), message: new RegExp(`^${F}/Dockerfile: the final image does not COPY migrations, which the release command \\(alembic upgrade head\\) needs$`) },
  { what: 'removing what the release command reads', kit: (d) => editToml(d, (t) => t.replace('remove = [', 'remove = ["alembic.ini", ')), message: new RegExp(`^${K} \\[files\\] remove: alembic\\.ini is needed: fly\\.toml's release command \\(alembic upgrade head\\) reads it$`) },
  { what: 'removing the Dockerfile', kit: (d) => editToml(d, (t) => t.replace('remove = [', 'remove = ["Dockerfile", ')), message: new RegExp(`^${K} \\[files\\] remove: Dockerfile is needed: fly\\.toml builds with it$`) },
  { what: 'a secret in [env]', kit: (d) => editToml(d, (t) => t.replace('\n[env]\n', '\n[env]\nSENTRY_API_TOKEN = "abc"\n')), message: new RegExp(`^${K} \\[env\\] SENTRY_API_TOKEN: looks like a secret; set it with \`fly secrets set\`, never in fly\\.toml$`) },
  { what: 'a URL with credentials in [env]', kit: (d) => editToml(d, (t) => t.replace('\n[env]\n', '\n[env]\nCACHE_URL = "redis://app:hunter2@cache.internal:6379"\n')), message: new RegExp(`^${K} \\[env\\] CACHE_URL: holds a URL with credentials; set it with \`fly secrets set\`$`) },
  { what: 'a dependency that is not a requirement', kit: (d) => editToml(d, (t) => t.replace('add = ["structlog>=24.1"]', 'add = ["structlog>=24.1", "rm -rf /"]')), message: new RegExp(`^${K} \\[dependencies\\] add: 'rm -rf /' is not a requirement like "structlog>=24\\.1"$`) },
  { what: 'a template naming data we do not have', kit: (d) => addFile(d, 'TEAM.md.hbs', 'Owned by {{team}}\n'), message: new RegExp(`^${F}/TEAM\\.md\\.hbs: line 1: \\{\\{team\\}\\} is not in the template data \\(README, Starter kits, lists the names\\)$`) },
  { what: 'a kit folder without kit.toml', kit: (d) => join(d, 'files'), message: /^--kit: \S*\/acme-kit\/files: no kit\.toml in it$/ },
  { what: 'a kit path that does not exist', kit: (d) => `${d}-missing`, message: /^--kit: \S*\/acme-kit-missing does not exist$/ },
  { what: 'a .tgz that is not a tarball', kit: (d) => (writeFileSync(`${d}.tgz`, 'not gzip'), `${d}.tgz`), message: /^--kit: \S*\/acme-kit\.tgz: cannot unpack the kit: gzip: stdin: not in gzip format$/ },
  { what: 'a file under fly.toml as a folder', kit: (d) => addFile(d, 'fly.toml/x', 'x\n'), message: new RegExp(`^${F}/fly\\.toml/x: a kit cannot write fly\\.toml/x: fly\\.toml is built from the options`) },
  { what: 'a file under uv.lock as a folder', kit: (d) => addFile(d, 'uv.lock/x', 'x\n'), message: new RegExp(`^${F}/uv\\.lock/x: a kit cannot write uv\\.lock/x: uv\\.lock is written by`) },
  { what: 'a file under the Dockerfile as a folder', kit: (d) => addFile(d, 'Dockerfile/x', 'x\n'), message: new RegExp(`^${F}/Dockerfile/x: Dockerfile is a file of the project, so nothing can be written under it as a folder$`) },
  { what: 'a file where the app folder goes', kit: (d) => addFile(d, 'app', 'x\n'), message: new RegExp(`^${F}/app: app is a file of the project, so nothing can be written under it as a folder$`) },
  { what: 'two kit files for one path', kit: (d) => { addFile(d, '_notes', 'a\n'); addFile(d, '.notes', 'b\n'); }, message: new RegExp(`^${F}/(_|\\.)notes: writes \\.notes, as ${F}/(\\.|_)notes does; keep one of them$`) },
];

describe('kits that are refused', () => {
  for (const refusal of REFUSALS) {
    it(`${refusal.what}: exit 2, one line, nothing written`, () => {
      const dir = copyOfExampleKit();
      const spec = refusal.kit(dir) ?? dir;
      const cwd = tempDir();
      // An existing project folder with a file of the user's, written into with --force.
      mkdirSync(join(cwd, 'svc'));
      writeFileSync(join(cwd, 'svc', 'notes.txt'), 'mine\n');
      const before = readTree(cwd);

      const run = runCli(['svc', '--kit', spec, '--force', ...RUN, ...(refusal.args ?? [])], { cwd });
      const lines = run.stderr.trim().split('\n');
      if (process.env.REFUSALS_OUT) appendFileSync(process.env.REFUSALS_OUT, `${JSON.stringify({ what: refusal.what, args: refusal.args, status: run.status, message: lines.join(' / ') })}\n`);
      assert.equal(run.status, 2, run.stderr);
      assert.equal(lines.length, 1, run.stderr);
      assert.match(lines[0]!.replace(/^create-fly-fastapi: /, ''), refusal.message);
      assert.deepEqual(readTree(cwd), before, 'the target is as it was');
    });
  }
});
