/**
 * A kit in a real terminal (tmux): its locked answers are never asked, its
 * defaults come preselected and say whose they are, and the summary and the
 * rerun line show the kit.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from './helpers/cli.ts';
import { EXAMPLE_KIT } from './helpers/kit.ts';
import { Terminal, tmuxMissing } from './helpers/tmux.ts';

const IN_TMUX = { timeout: 60_000, skip: process.env.E2E_REQUIRED === '1' ? false : tmuxMissing };
const FROM_KIT = '(preselected by kit acme-fastapi 1.4.0)';
const KIT = './kit';

/** The screen as running text, without clack's guide or the terminal's wrapping. */
function flat(screen: string): string {
  return screen
    .split('\n')
    .map((line) => line.replace(/^[│|] ?/, ''))
    .join(' ')
    .replace(/\s+/g, ' ');
}

describe('a kit in a terminal', IN_TMUX, () => {
  it('asks only what the kit leaves open, with its defaults preselected', async () => {
    const cwd = tempDir();
    // The kit as ./kit beside the project: what the screen shows does not depend on where the checkout lives.
    cpSync(EXAMPLE_KIT, join(cwd, 'kit'), { recursive: true });
    const terminal = Terminal.start({ cwd, args: ['svc', '--kit', KIT, '--no-lock', '--no-git'], width: 100, height: 50 });
    try {
      const intro = flat(await terminal.waitFor('What should happen when no requests come in?'));
      assert.ok(intro.includes(`Using kit acme-fastapi 1.4.0 (${KIT})`), intro);
      assert.ok(intro.includes('Locked, not asked: postgres managed, vm-size shared-cpu-2x, org acme'), intro);
      assert.ok(intro.includes('Preselected: scaling warm, min-machines 2, regions fra,ams'), intro);
      assert.ok(intro.includes(`What should happen when no requests come in? ${FROM_KIT}`), intro);
      assert.match(intro, /● Keep some warm/);
      terminal.keys('Enter');

      const count = await terminal.waitFor('How many Machines should stay on');
      assert.ok(flat(count).includes(FROM_KIT), count);
      assert.match(count, /│ {2}2\s*$/m, 'the kit default is the placeholder');
      terminal.keys('Enter');

      const primary = await terminal.waitFor('Primary region');
      assert.match(primary, /● fra {2}Frankfurt/);
      terminal.keys('Enter');
      const extras = await terminal.waitFor('Extra regions?');
      assert.match(extras, /◼ ams {2}Amsterdam/);
      terminal.keys('Enter');

      for (const question of ['Add GitHub Actions?', 'Create the Fly app now']) {
        const screen = flat(await terminal.waitFor(question));
        assert.ok(!screen.slice(screen.lastIndexOf('◆')).includes('preselected'), `${question} has no kit default`);
        terminal.keys('Enter');
      }

      const summary = await terminal.waitFor('Create it?');
      assert.ok(!summary.includes('Does the service need Postgres?'), 'the locked question was never asked');
      assert.match(summary, /Kit {9}acme-fastapi 1\.4\.0 \(/);
      assert.match(summary, /Postgres {4}Fly Managed Postgres \[kit: locked\]/);
      assert.match(summary, /Scaling {5}2 Machine\(s\) always on, more when busy \[kit default\]/);
      assert.match(summary, /Regions {5}fra \(primary\), ams \[kit default\]/);
      assert.match(summary, /Machines {4}shared-cpu-2x, 512mb, Python 3\.14 \[kit: locked\]/);
      assert.match(summary, /Workflows {3}GitHub Actions: CI, deploy from main +│/);
      terminal.keys('Enter');

      assert.equal(await terminal.exitCode(), 0, terminal.screen());
      assert.ok(flat(terminal.screen()).includes(`npm create fly-fastapi@latest svc -- --kit ${KIT} --name svc`));
      const record = JSON.parse(readFileSync(join(cwd, 'svc', '.create-fly-fastapi', 'manifest.json'), 'utf8'));
      assert.deepEqual(
        [record.origins.postgres, record.origins.scaling, record.origins.regions, record.origins.workflows],
        ['kit-lock', 'kit-default', 'kit-default', 'prompt'],
      );
    } finally {
      terminal.close();
    }
  });
});
