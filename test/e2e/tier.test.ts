/** The tier's own parsers and detectors, on small inputs: they need no uv, PostgreSQL or hadolint. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEnv, parseDockerfile, type Instruction } from './dockerfile.ts';
import { dockerfileUnderTest } from './container.ts';
import { splitCommand } from './run.ts';
import { findSecrets } from './secrets.ts';
import { cleanStopProblem } from './server.ts';
import { machineMemoryMb, type FlyToml } from './fly.ts';
import { describeLoad, load } from './load.ts';
import { createServer } from 'node:http';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runtimeKey } from './checks.ts';
import { readFly, serviceContract } from './fly.ts';
import { REPO } from './toolbox.ts';

describe('splitCommand (flyctl splits release_command like google/shlex)', () => {
  it('splits on blanks, keeps quoted words, honours escapes, stops at a comment', () => {
    assert.deepEqual(splitCommand('alembic upgrade head'), ['alembic', 'upgrade', 'head']);
    assert.deepEqual(splitCommand(`python -c "print('a b')"  x\\ y`), ['python', '-c', "print('a b')", 'x y']);
    assert.deepEqual(splitCommand('a "say \\"hi\\"" # comment'), ['a', 'say "hi"']);
    assert.throws(() => splitCommand('a "open'), /unclosed/);
  });
});

describe('parseDockerfile', () => {
  const text = [
    '# syntax=docker/dockerfile:1',
    'FROM python:3.11-slim-trixie AS builder',
    'COPY --from=ghcr.io/astral-sh/uv:0.13.9 /uv /bin/uv',
    'ENV A=1 \\',
    '    # a comment inside a continued line is dropped',
    '    B="two words" \\',
    '    PATH="/app/.venv/bin:$PATH"',
    'WORKDIR /app',
    'RUN --mount=type=cache,target=/root/.cache/uv \\',
    '    --mount=type=bind,source=uv.lock,target=uv.lock \\',
    '    uv sync --locked',
    'FROM python:3.11-slim-trixie',
    'COPY --from=builder /app/.venv /app/.venv',
    'USER 1000:1000',
    'EXPOSE 8000/tcp',
    'CMD ["fastapi", "run", "--port", "8000"]',
  ].join('\n');

  it('reads stages, ENV pairs across continuations, RUN mounts and exec-form CMD', () => {
    const [builder, runtime] = parseDockerfile(text);
    assert.equal(builder?.alias, 'builder');
    const env: Record<string, string> = { PATH: '/usr/bin' };
    applyEnv(env, builder!.instructions.find((i): i is Extract<Instruction, { kind: 'ENV' }> => i.kind === 'ENV')!);
    assert.deepEqual(env, { A: '1', B: 'two words', PATH: '/app/.venv/bin:/usr/bin' });
    const runLine = builder!.instructions.find((i) => i.kind === 'RUN');
    assert.deepEqual(runLine?.kind === 'RUN' && runLine.mounts, [
      { type: 'cache', source: undefined, target: '/root/.cache/uv' },
      { type: 'bind', source: 'uv.lock', target: 'uv.lock' },
    ]);
    assert.equal(runLine?.kind === 'RUN' && runLine.command, 'uv sync --locked');
    assert.deepEqual(
      runtime!.instructions.map((i) => i.kind),
      ['COPY', 'USER', 'EXPOSE', 'CMD'],
    );
    const cmd = runtime!.instructions.at(-1);
    assert.deepEqual(cmd?.kind === 'CMD' && cmd.exec, ['fastapi', 'run', '--port', '8000']);
  });

  it('sees that a trailing comment turns an exec-form CMD into shell form', () => {
    const [stage] = parseDockerfile('FROM python:3.11\nCMD ["fastapi", "run"] # serve');
    const cmd = stage!.instructions[0];
    assert.equal(cmd?.kind === 'CMD' && cmd.exec, undefined);
  });

  it('refuses what it cannot reproduce, by line', () => {
    assert.throws(() => parseDockerfile('FROM python:3.11\nARG X=1'), /Dockerfile:2: ARG is not reproduced/);
    assert.throws(() => parseDockerfile('FROM python:3.11\nCOPY --chown=app a b'), /COPY --chown is not reproduced/);
    assert.throws(() => parseDockerfile('RUN true'), /before the first FROM/);
  });
});

describe('dockerfileUnderTest', () => {
  it('drops the `# syntax=` line and nothing else', () => {
    const generated = '# syntax=docker/dockerfile:1\n\n# Build stage\nFROM python:3.14-slim-trixie AS builder\nCMD ["uvicorn"]\n';
    const copy = dockerfileUnderTest(generated);
    assert.equal(copy, '\n# Build stage\nFROM python:3.14-slim-trixie AS builder\nCMD ["uvicorn"]\n');
    assert.deepEqual(
      generated.split('\n').filter((line) => !copy.split('\n').includes(line)),
      ['# syntax=docker/dockerfile:1'],
    );
    assert.equal(dockerfileUnderTest('FROM x\n'), 'FROM x\n');
    assert.throws(() => dockerfileUnderTest('# syntax=a\n# syntax=b\nFROM x'), /more than one/);
  });
});

describe('findSecrets', () => {
  const rules = (path: string, text: string) => findSecrets(path, text).map((finding) => finding.rule);

  it('accepts the generated examples: a loopback database URL, its CI service password, references', () => {
    assert.deepEqual(rules('.env.example', 'DATABASE_URL=postgresql://postgres:postgres@localhost:5432/app'), []);
    const ci = ['        env:', '          POSTGRES_PASSWORD: postgres', '      TEST_DATABASE_URL: postgresql://postgres:postgres@localhost:5432/test'].join('\n');
    assert.deepEqual(rules('ci.yml', ci), []);
    assert.deepEqual(rules('deploy.yml', '          FLY_API_TOKEN: ${{ secrets.FLY_API_TOKEN }}'), []);
    assert.deepEqual(rules('test_db.py', '("postgres://user:pw@db.flycast:5432/app", "mysql://u:secret@h/d")'), []);
    assert.deepEqual(rules('settings.py', '    api_token: str | None = None'), []);
    assert.deepEqual(rules('README.md', "fly secrets set DIRECT_DATABASE_URL='postgresql://...' --app x"), []);
  });

  it('flags real-looking credentials', () => {
    assert.deepEqual(rules('.env.example', 'DATABASE_URL=postgres://app:Xk29vLq7TgBn4s@db.internal:5432/app'), ['password in a URL to db.internal']);
    assert.deepEqual(rules('ci.yml', '  POSTGRES_PASSWORD: s3cr3t-Pa55word'), ['literal value for POSTGRES_PASSWORD']);
    assert.deepEqual(rules('settings.py', 'SECRET_KEY = "k3J9x!aQ2mZ7pL0v"'), ['literal value for SECRET_KEY']);
    assert.deepEqual(rules('deploy.yml', 'FLY_API_TOKEN: FlyV1 fm2_lJPECAAAAAAAAMn4xBBQk1AAAAAAAAAA'), ['Fly.io token']);
    assert.deepEqual(rules('x.md', `token ghp_${'a'.repeat(36)}`), ['GitHub token']);
    assert.deepEqual(rules('key.pem', '-----BEGIN OPENSSH PRIVATE KEY-----'), ['private key']);
    assert.deepEqual(rules('a.env', 'AWS_KEY_ID=AKIAIOSFODNN7EXAMPLE'), ['AWS access key']);
  });
});

describe('cleanStopProblem', () => {
  it('takes exit 0, or the kill signal re-raised after a finished shutdown', () => {
    assert.equal(cleanStopProblem(0, null, 'SIGTERM', ''), undefined);
    assert.equal(cleanStopProblem(null, 'SIGTERM', 'SIGTERM', 'INFO:     Finished server process [1]'), undefined);
    assert.match(cleanStopProblem(null, 'SIGTERM', 'SIGTERM', 'no shutdown logged') ?? '', /without finishing its shutdown/);
    assert.match(cleanStopProblem(1, null, 'SIGTERM', 'Application shutdown complete.') ?? '', /exit 1/);
  });
});

describe('machineMemoryMb', () => {
  const fly = (memory?: string | number) => ({ vm: memory === undefined ? undefined : [{ memory }] }) as unknown as FlyToml;
  it('reads [[vm]] memory in mb, gb or as a number, and takes Fly\'s 256 MB when unset', () => {
    assert.equal(machineMemoryMb(fly('512mb')), 512);
    assert.equal(machineMemoryMb(fly('1gb')), 1024);
    assert.equal(machineMemoryMb(fly(2048)), 2048);
    assert.equal(machineMemoryMb(fly()), 256);
    assert.throws(() => machineMemoryMb(fly('lots')), /not a size/);
  });
});

describe('load', () => {
  it('counts statuses and failed connections without throwing', async () => {
    let n = 0;
    const server = createServer((req, res) => {
      n++;
      if (n % 4 === 0) return req.socket.destroy();
      res.writeHead(n % 2 ? 200 : 503).end('x');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as { port: number };
    try {
      const result = await load(`http://127.0.0.1:${port}`, { path: '/', connections: 1, requests: 8, timeoutMs: 2000 });
      assert.deepEqual([...result.statuses].sort(), [[0, 2], [200, 4], [503, 2]]);
      assert.equal(result.errors.get('ECONNRESET'), 2);
      assert.match(describeLoad(result), /^0 x2, 200 x4, 503 x2 \(ECONNRESET x2\)/);
    } finally {
      server.close();
    }
  });
});

describe('runtimeKey (a variant that repeats an earlier one is not run again)', () => {
  const golden = join(REPO, 'test', 'fixtures', 'golden', 'default');
  const keyOf = (dir: string, name: string) => {
    const fly = readFly(dir);
    return runtimeKey(dir, name, fly, serviceContract(fly), { python: '3.14', kit: false, database: true, replayFrom: null });
  };
  const copyAs = (name: string) => {
    const dir = join(mkdtempSync(join(tmpdir(), 'cff-key-')), name);
    cpSync(golden, dir, { recursive: true });
    // As if generated under that name: every file that says the name says the new one.
    for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile())) {
      const path = join(entry.parentPath, entry.name);
      writeFileSync(path, readFileSync(path, 'utf8').split('default-api').join(name).split('default_api').join(name.replace(/-/g, '_')));
    }
    return dir;
  };
  const edit = (dir: string, path: string, from: string | RegExp, to: string) => {
    const text = readFileSync(join(dir, path), 'utf8');
    assert.notEqual(text.replace(from, to), text, `${path} has no ${from}`);
    writeFileSync(join(dir, path), text.replace(from, to));
  };
  const base = keyOf(golden, 'default-api');

  it('is the same for another name, another scaling mode, another README', () => {
    const dir = copyAs('other-api');
    edit(dir, 'fly.toml', 'auto_stop_machines = "suspend"', 'auto_stop_machines = "stop"');
    edit(dir, 'README.md', /$/, '\nmore\n');
    assert.equal(keyOf(dir, 'other-api'), base);
  });

  it('changes with any file the tests or the image read, and with what the containers are run with', () => {
    const changes: [string, string | RegExp, string][] = [
      ['app/main.py', /$/, '\n# edited\n'],
      ['Dockerfile', 'USER 1000:1000', 'USER 1001:1001'],
      ['tests/test_health.py', /$/, '\n# edited\n'],
      ['fly.toml', 'kill_timeout = 10', 'kill_timeout = 11'],
      ['fly.toml', 'internal_port = 8000', 'internal_port = 8001'],
      ['fly.toml', 'release_command = "alembic upgrade head"', 'release_command = "true"'],
    ];
    for (const [path, from, to] of changes) {
      const dir = copyAs('default-api');
      edit(dir, path, from, to);
      assert.notEqual(keyOf(dir, 'default-api'), base, `${path}: ${to}`);
    }
  });
});
