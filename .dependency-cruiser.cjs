/**
 * Import-cycle check (`npm run lint:cycles`): no two source files may import each other,
 * directly or through others, type-only imports included. The layer direction itself is
 * checked by eslint's no-restricted-imports rules (eslint.config.js).
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'an import cycle between source files: move the shared type to the file that owns it',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
