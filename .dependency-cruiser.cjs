/**
 * The layers of src/, in pipeline order: a module may import its own layer and the layers before
 * it, never one after it. `npm test` runs this (npm run lint:layers).
 */
const LAYERS = [
  ['model', '^src/model\\.ts$'],
  ['base', '^src/(net/|log\\.ts$|slices\\.ts$|utf8\\.ts$)'],
  ['scan', '^src/scan/'],
  ['parse', '^src/parse/'],
  ['dedupe', '^src/dedupe/'],
  ['catalog', '^src/catalog/'],
  ['render', '^src/render/'],
  ['export', '^src/export/'],
  ['workers', '^src/workers/'],
  ['pipeline', '^src/pipeline\\.ts$'],
  ['http', '^src/http/'],
  ['websub', '^src/websub/'],
  ['metrics', '^src/metrics/'],
  ['config', '^src/config\\.ts$'],
  ['live', '^src/live/'],
  ['commands', '^src/commands/'],
  ['cli', '^src/cli\\.ts$'],
];

const later = (i) =>
  LAYERS.slice(i + 1)
    .map(([, re]) => `(${re})`)
    .join('|');

/** Node modules that touch the disk, the network, processes or threads: only the edges use them. */
const IO_MODULES =
  '^(node:)?(fs|fs/promises|http|https|http2|net|dns|dns/promises|child_process|worker_threads|dgram|tls)$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'Modules form a tree of layers; a cycle means two modules are one.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'model-imports-nothing',
      severity: 'error',
      comment: 'src/model.ts holds the types every layer shares; it depends on none of them.',
      from: { path: '^src/model\\.ts$' },
      to: { pathNot: '^src/model\\.ts$' },
    },
    ...LAYERS.slice(0, -1).map(([name, re], i) => ({
      name: `no-import-after-${name}`,
      severity: 'error',
      comment: `${name} comes before ${LAYERS.slice(i + 1)
        .map(([n]) => n)
        .join(', ')} in the pipeline.`,
      from: { path: re },
      to: { path: later(i) },
    })),
    {
      name: 'pure-middle',
      severity: 'error',
      comment:
        'parse, dedupe, catalog and render are pure: bodies and files reach them through injected functions.',
      from: { path: '^src/(model\\.ts$|parse/|dedupe/|catalog/|render/)' },
      to: { dependencyTypes: ['core'], path: IO_MODULES },
    },
    {
      name: 'product-not-tools',
      severity: 'error',
      comment: 'dist/ holds the product only: src never imports tests or tools.',
      from: { path: '^src/' },
      to: { path: '^(tests|tools)/' },
    },
    {
      name: 'no-dev-deps-in-product',
      severity: 'error',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
