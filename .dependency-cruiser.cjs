/** Import rules checked by `npm run cycles` (part of npm test). DESIGN.md: dependencies point one way. */
const domain = '^src/(rules|community|insurance|grouper|procurement|pricing|salary|network|indicators|simulation)/';
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'Import cycles are refused.', from: {}, to: { circular: true } },
    { name: 'domain-is-pure', severity: 'error', comment: 'Domain modules do not import store, io, runs, server or cli.',
      from: { path: domain }, to: { path: '^src/(store|io|runs|server|cli)/' } },
    { name: 'rules-is-the-root', severity: 'error', comment: 'rules imports no other sanyi module.',
      from: { path: '^src/rules/' }, to: { path: '^src/(?!rules/)' } },
    { name: 'store-below-runs', severity: 'error', comment: 'store does not import runs, server or cli.',
      from: { path: '^src/store/' }, to: { path: '^src/(runs|server|cli)/' } },
    { name: 'web-talks-http', severity: 'error', comment: 'The web app reaches the server over HTTP only.',
      from: { path: '^web/src/' }, to: { path: '^src/' } },
    { name: 'no-test-imports-in-product', severity: 'error', comment: 'Product code does not import tests.',
      from: { path: '^src/', pathNot: '\\.test\\.ts$|/test-support/' }, to: { path: '\\.test\\.ts$|/test-support/' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.tsx', '.js'] },
  },
};
