#!/usr/bin/env node
// Builds the explorer page into ../assets/explore/, which the dossier binary embeds:
//   explore.js    src/main.js and the npm packages it imports, bundled and minified by esbuild
//   explore.css   src/explore.css, copied
//   index.html    src/index.html, copied (served at GET /explore)
//   LICENSES.txt  the licence of every npm package inside explore.js
// and prints the packages bundled (for VENDORED.md).
//
//   cd explorer && npm ci && npm run build

import { build } from 'esbuild';
import { copyFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'assets', 'explore');

const result = await build({
  entryPoints: [join(here, 'src', 'main.js')],
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  legalComments: 'none', // the licences are in LICENSES.txt, next to the bundle
  outfile: join(out, 'explore.js'),
  metafile: true,
  logLevel: 'warning',
});
copyFileSync(join(here, 'src', 'explore.css'), join(out, 'explore.css'));
copyFileSync(join(here, 'src', 'index.html'), join(out, 'index.html'));

// Every package with a file in the bundle, with its version and licence.
const packages = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (!m) continue;
  const dir = join(here, 'node_modules', m[1]);
  if (packages.has(m[1])) continue;
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f));
  packages.set(m[1], { version: pkg.version, license: pkg.license, text: file ? readFileSync(join(dir, file), 'utf8') : null });
}
const names = [...packages.keys()].sort();
let licences = 'Licences of the npm packages bundled into explore.js (see VENDORED.md).\n';
for (const name of names) {
  const p = packages.get(name);
  licences += `\n${'='.repeat(78)}\n${name} ${p.version} (${p.license})\n${'='.repeat(78)}\n\n`;
  licences += p.text ? p.text.trim() + '\n' : `(no licence file in the package; package.json says ${p.license})\n`;
}
writeFileSync(join(out, 'LICENSES.txt'), licences);

const size = readFileSync(join(out, 'explore.js')).length;
console.log(`explore.js: ${(size / 1024).toFixed(0)} KiB, ${names.length} packages:`);
for (const name of names) {
  const p = packages.get(name);
  console.log(`| \`${name}\` | ${p.version} | ${p.license} |`);
}
if (!existsSync(join(out, 'VENDORED.md'))) console.log('note: assets/explore/VENDORED.md is missing');
