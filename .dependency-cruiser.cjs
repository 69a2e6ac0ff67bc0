/**
 * The layers of src/, top down. A file may import its own layer and the
 * layers below it, never one above: every run reads
 * cli -> runs -> steps -> write -> reconcile -> plan, with the data every stage
 * shares (the record, kits, the option schema, templates) underneath.
 * `npm test` runs this (`npm run layers`); test/layers.test.ts shows that an
 * upward import fails it. docs/ARCHITECTURE.md has the map.
 */
const LAYERS = [
  ['cli.ts', 'cli/'],
  ['api.ts', 'ui/'],
  ['runs/'],
  ['steps/'],
  ['sources/', 'write/'],
  ['adopt/', 'reconcile/'],
  ['plan/'],
  ['record/'],
  ['kit/'],
  ['run.ts', 'options/'],
  ['content.ts', 'errors.ts', 'templates/', 'version.ts'],
];

const pattern = (units) => `^src/(${units.map((unit) => unit.replace('.', '\\.') + (unit.endsWith('/') ? '' : '$')).join('|')})`;

const layerRules = LAYERS.slice(1).map((units, index) => ({
  name: `layer-${index + 2}-imports-up`,
  comment: `${units.join(', ')} may not import a layer above it (${LAYERS.slice(0, index + 1).flat().join(', ')})`,
  severity: 'error',
  from: { path: pattern(units) },
  to: { path: pattern(LAYERS.slice(0, index + 1).flat()) },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'no-cycles',
      comment: 'no two files import each other, directly or around a loop',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'not-the-barrel',
      comment: 'src/api.ts is the package\'s exports for its users; code inside src/ imports the modules themselves',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/api\\.ts$' },
      to: { path: '^src/api\\.ts$' },
    },
    {
      name: 'every-file-has-a-layer',
      comment: 'a new folder or top-level file of src/ gets its place in LAYERS above',
      severity: 'error',
      from: { path: '^src/', pathNot: pattern(LAYERS.flat()) },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
