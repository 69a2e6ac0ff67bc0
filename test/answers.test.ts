/** Resolution from ordered sources of answers: flags, kit lock, (record), kit default, prompt, default. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseArgs } from '../src/options/args.ts';
import { resolveAnswers, type AnswerSource, type Asker } from '../src/options/resolve.ts';
import type { ProjectOptions } from '../src/options/schema.ts';

const env = { hasGit: true, hasUv: true, insideGitRepo: false };

function source(origin: AnswerSource['origin'], values: Partial<ProjectOptions>, locks = false): AnswerSource {
  return {
    origin,
    fixed: origin !== 'kit-default',
    locks,
    values,
    name: (def) => `kit.toml [${origin}] ${def.flag}`,
    label: origin === 'kit-default' ? 'kit demo 1.0.0' : undefined,
  };
}

const lock = source('kit-lock', { postgres: 'managed', vmSize: 'shared-cpu-2x', org: 'acme' }, true);
const defaults = source('kit-default', { scaling: 'warm', minMachines: 2, regions: ['fra', 'ams'], python: '3.13' });

describe('answers from ordered sources', () => {
  it('a kit default answers when nothing is asked, even without --yes; a lock answers always', async () => {
    const { options, origins } = await resolveAnswers({ directory: 'svc', workflows: true, launch: false }, { env, sources: [lock, defaults] });
    assert.deepEqual([options.postgres, options.vmSize, options.scaling, options.minMachines, options.regions, options.python], ['managed', 'shared-cpu-2x', 'warm', 2, ['fra', 'ams'], '3.13']);
    assert.deepEqual([origins.postgres, origins.scaling, origins.python, origins.workflows, origins.vmMemory], ['kit-lock', 'kit-default', 'kit-default', 'flag', 'default']);
  });

  it('a flag beats a kit default; a flag that contradicts a lock is an error naming both', async () => {
    const { options } = await resolveAnswers({ directory: 'svc', scaling: 'stop', yes: undefined } as Partial<ProjectOptions>, { env, yes: true, sources: [lock, defaults] });
    assert.equal(options.scaling, 'stop');
    await assert.rejects(resolveAnswers({ directory: 'svc', postgres: 'none' }, { env, yes: true, sources: [lock, defaults] }), {
      name: 'UsageError',
      message: '--postgres none contradicts kit.toml [kit-lock] postgres = managed',
    });
    // The same value as the lock is no contradiction.
    await assert.doesNotReject(resolveAnswers({ directory: 'svc', postgres: 'managed' }, { env, yes: true, sources: [lock, defaults] }));
  });

  it('a lock on an option that does not apply waits unused, and applies once it does', async () => {
    const without = await resolveAnswers({ directory: 'svc', launch: false }, { env, yes: true, sources: [lock] });
    assert.equal(without.options.org, undefined);
    const withLaunch = await resolveAnswers({ directory: 'svc', launch: true }, { env, yes: true, sources: [lock] });
    assert.deepEqual([withLaunch.options.org, withLaunch.origins.org], ['acme', 'kit-lock']);
  });

  it('a fixed source between the lock and the defaults (a saved record) beats the defaults, not the lock', async () => {
    const record = source('record', { scaling: 'always-on', postgres: 'none' });
    const { options, origins } = await resolveAnswers({ directory: 'svc' }, { env, yes: true, sources: [lock, record, defaults] });
    assert.deepEqual([options.scaling, origins.scaling, options.regions, origins.regions], ['always-on', 'record', ['fra', 'ams'], 'kit-default']);
    assert.deepEqual([options.postgres, origins.postgres], ['managed', 'kit-lock']);
  });

  it('in a terminal, locked questions are not asked and kit defaults are the suggestion, named', async () => {
    const asked: [string, unknown, string | undefined][] = [];
    const ask: Asker = async (def, suggested, _resolved, by) => {
      asked.push([def.key, suggested, by]);
      return suggested;
    };
    const { origins } = await resolveAnswers({ directory: 'svc' }, { env, ask, sources: [lock, defaults] });
    assert.deepEqual(asked, [
      ['scaling', 'warm', 'kit demo 1.0.0'],
      ['minMachines', 2, 'kit demo 1.0.0'],
      ['regions', ['fra', 'ams'], 'kit demo 1.0.0'],
      ['workflows', true, undefined],
      ['launch', false, undefined],
    ]);
    assert.deepEqual([origins.scaling, origins.workflows], ['kit-default', 'prompt']);
  });

  it('an answer that differs from the kit default is the user own', async () => {
    const ask: Asker = async (def, suggested) => (def.key === 'scaling' ? 'suspend' : suggested) as never;
    const { options, origins } = await resolveAnswers({ directory: 'svc' }, { env, ask, sources: [lock, defaults] });
    assert.deepEqual([options.scaling, origins.scaling], ['suspend', 'prompt']);
  });

  it("a kit value that fails a check names the kit key, not a flag", async () => {
    const bad = source('kit-default', { regions: ['jnb'] });
    await assert.rejects(resolveAnswers({ directory: 'svc' }, { env, yes: true, sources: [lock, bad] }), {
      message: /^kit\.toml \[kit-default\] regions: Managed Postgres is not offered in 'jnb'/,
    });
  });
});

describe('--kit on the command line', () => {
  it('takes a value, spaced or after =, and is not an answer', () => {
    assert.deepEqual(parseArgs(['svc', '--kit', '@acme/fly-kit@^1']).run.kit, '@acme/fly-kit@^1');
    assert.deepEqual(parseArgs(['--kit=./acme-kit', 'svc']).run.kit, './acme-kit');
    assert.deepEqual(parseArgs(['--kit=./acme-kit', 'svc']).given, { directory: 'svc' });
  });

  it('refuses a missing value and a second --kit', () => {
    assert.throws(() => parseArgs(['svc', '--kit']), { name: 'UsageError', message: '--kit: needs a value <source>' });
    assert.throws(() => parseArgs(['svc', '--kit', '--yes']), { message: '--kit: needs a value <source>' });
    assert.throws(() => parseArgs(['--kit', 'a', '--kit=b']), { message: '--kit: given twice (also as --kit)' });
  });
});
