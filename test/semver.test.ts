import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareVersions, parseVersion, satisfies } from '../src/kit/semver.ts';

/** [version, range, in range?], each a case npm's semver decides the same way for releases. */
const CASES: [string, string, boolean][] = [
  ['0.2.0', '>=0.2', true],
  ['0.1.9', '>=0.2', false],
  ['1.0.0', '>=0.2', true],
  ['0.2.0', '>0.2', false],
  ['0.3.0', '>0.2', true],
  ['0.2.1', '>0.2.0', true],
  ['0.2.0', '<0.2', false],
  ['0.1.99', '<0.2', true],
  ['0.2.9', '<=0.2', true],
  ['0.3.0', '<=0.2', false],
  ['1.2.3', '=1.2.3', true],
  ['1.2.4', '1.2.3', false],
  ['1.2.7', '^1.2.3', true],
  ['1.9.0', '^1.2.3', true],
  ['2.0.0', '^1.2.3', false],
  ['1.2.2', '^1.2.3', false],
  ['0.2.5', '^0.2.3', true],
  ['0.3.0', '^0.2.3', false],
  ['0.0.3', '^0.0.3', true],
  ['0.0.4', '^0.0.3', false],
  ['0.9.0', '^0', true],
  ['1.0.0', '^0', false],
  ['0.0.9', '^0.0', true],
  ['0.1.0', '^0.0', false],
  ['1.5.0', '^1.2', true],
  ['1.2.9', '~1.2.3', true],
  ['1.3.0', '~1.2.3', false],
  ['1.9.0', '~1', true],
  ['2.0.0', '~1', false],
  ['1.2.0', '1.2.x', true],
  ['1.3.0', '1.2.x', false],
  ['1.9.9', '1.x', true],
  ['1.9.9', '1', true],
  ['2.0.0', '1.*', false],
  ['5.0.0', '*', true],
  ['5.0.0', '', true],
  ['0.2.0', '>=0.2 <0.4', true],
  ['0.4.0', '>=0.2 <0.4', false],
  ['0.4.0', '>= 0.2 < 0.4', false],
  ['3.1.0', '^1 || ^3', true],
  ['2.1.0', '^1 || ^3', false],
  ['0.2.0-beta.1', '>=0.2', false],
  ['0.2.0-beta.1', '>=0.2.0-alpha', true],
];

describe("a kit's requires range", () => {
  for (const [version, range, expected] of CASES) {
    it(`${version} ${expected ? 'is' : 'is not'} in '${range}'`, () => {
      assert.equal(satisfies(version, range), expected);
    });
  }

  it('orders prereleases before their release, numerically where numeric', () => {
    const order = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0'];
    for (let i = 1; i < order.length; i++) {
      assert.ok(compareVersions(parseVersion(order[i - 1]!)!, parseVersion(order[i]!)!) < 0, `${order[i - 1]} < ${order[i]}`);
    }
  });

  it('refuses what it cannot read, rather than guessing', () => {
    assert.throws(() => satisfies('1.0.0', '1.0.0 - 2.0.0'), /hyphen ranges are not supported/);
    assert.throws(() => satisfies('1.0.0', '>=banana'), /'>=banana' is not a version or a range/);
    assert.throws(() => satisfies('one', '>=1'), /'one' is not a version/);
  });
});
