#!/usr/bin/env node
// Builds the browser app into web/dist/ (served as static files by the Rostra server):
//   web/src/main.ts                 -> web/dist/app.js          (ESM, minified, sourcemap)
//   web/src/player/jitter-worklet.ts -> web/dist/jitter-worklet.js (AudioWorklet, if present)
//   web/src/player/hls-vendor.ts    -> web/dist/hls.js           (hls.js, imported at run time by
//                                      HlsPlayer only when a listener moves to LL-HLS)
//   web/public/styles.css (+ css/*)  -> web/dist/styles.css       (bundled, minified)
//   web/public/* other files        -> web/dist/*               (index.html, icons)
// No network, no cache; takes well under a second. `--watch` rebuilds on change.
import { build, context } from 'esbuild';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const web = join(root, 'web');
const out = join(web, 'dist');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  format: 'esm',
  target: ['chrome110', 'firefox115', 'safari16.4'],
  minify: true,
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
  tsconfig: join(web, 'tsconfig.json'),
  // css url()s point at files copied next to styles.css (icon.svg)
  external: ['*.svg'],
};

const entries = [
  { in: join(web, 'src/main.ts'), out: 'app' },
  { in: join(web, 'public/styles.css'), out: 'styles' },
];
const worklet = join(web, 'src/player/jitter-worklet.ts');
if (existsSync(worklet)) entries.push({ in: worklet, out: 'jitter-worklet' });
else console.warn('build-web: web/src/player/jitter-worklet.ts not found; skipping the worklet');
// hls.js (~400 KiB) stays out of app.js: the player import()s this bundle by URL when needed
const hlsVendor = join(web, 'src/player/hls-vendor.ts');
if (existsSync(hlsVendor)) entries.push({ in: hlsVendor, out: 'hls' });

// The audio modules (player/, stage/whip-client) are written in parallel by others. Until they
// exist, resolve them to a module whose classes throw when used, so the rest of the app (and
// `npm run build`) keeps working; the build says so loudly.
const missingAudio = {
  name: 'missing-audio-modules',
  setup(b) {
    b.onResolve({ filter: /(player\/ws-player|stage\/whip-client)\.js$/ }, (args) => {
      const real = join(args.resolveDir, args.path.replace(/\.js$/, '.ts'));
      if (existsSync(real)) return undefined;
      console.warn(`build-web: ${args.path} is missing; audio will not work in this build`);
      return { path: args.path, namespace: 'missing-audio' };
    });
    b.onLoad({ filter: /.*/, namespace: 'missing-audio' }, (args) => ({
      loader: 'js',
      contents: `const fail = () => { throw new Error('${args.path} is not built yet'); };
        export class WsPlayer { constructor() { fail(); } }
        export class StagePublisher { constructor() { fail(); } }`,
    }));
  },
};

const started = performance.now();
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
cpSync(join(web, 'public'), out, {
  recursive: true,
  filter: (src) => !src.includes(`${join(web, 'public', 'css')}`) && !src.endsWith('styles.css'),
});

const options = { ...common, entryPoints: entries, outdir: out, metafile: true, plugins: [missingAudio] };
if (watch) {
  const ctx = await context(options);
  await ctx.watch();
  console.log('build-web: watching web/src (public/ is copied once)');
} else {
  const result = await build(options);
  const sizes = Object.entries(result.metafile.outputs)
    .filter(([file]) => file.endsWith('.js'))
    .map(([file, o]) => `${file.replace(/^.*web\/dist\//, '')} ${(o.bytes / 1024).toFixed(1)} KiB`);
  console.log(`build-web: ${sizes.join(', ')} in ${Math.round(performance.now() - started)} ms`);
}
