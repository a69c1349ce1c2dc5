// Bundles GraphiQL and the Trellis panel into ../dist: index.html (a Go html/template that the
// gateway fills with its paths), one JS file and one CSS file whose names carry a content hash,
// so the gateway can let browsers cache them for good. Nothing is fetched at run time: the
// fonts are inlined in the CSS.
import * as esbuild from 'esbuild';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

const dist = path.resolve('..', 'dist');
await rm(dist, { recursive: true, force: true });

const result = await esbuild.build({
  entryPoints: { app: 'src/main.jsx' },
  outdir: dist,
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  jsx: 'automatic',
  define: { 'process.env.NODE_ENV': '"production"' },
  loader: { '.woff2': 'file', '.woff': 'file', '.ttf': 'file', '.svg': 'file' },
  metafile: true,
  logLevel: 'warning',
});

const outputs = Object.entries(result.metafile.outputs);
const [js, meta] = outputs.find(([, o]) => o.entryPoint === 'src/main.jsx');
const css = meta.cssBundle;
if (!css) throw new Error('esbuild emitted no CSS bundle');

const template = await readFile('index.html', 'utf8');
const page = template
  .replace('%APP_JS%', path.basename(js))
  .replace('%APP_CSS%', path.basename(css));
await writeFile(path.join(dist, 'index.html'), page);

for (const [file, o] of outputs) {
  console.log(`${path.relative(path.resolve('..'), path.resolve(file))}\t${(o.bytes / 1024).toFixed(0)} KiB`);
}
