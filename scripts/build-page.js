// Second step of `npm run build` (after tsc): ship the sandbox page prebuilt, so a package needs no bundler.
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { bundlePage } from '../dist/sandbox/page-bundle.js';

const source = new URL('../src/sandbox/page/', import.meta.url);
const target = new URL('../dist/sandbox/page/', import.meta.url);
await mkdir(target, { recursive: true });
await Promise.all([
  copyFile(new URL('index.html', source), new URL('index.html', target)),
  copyFile(new URL('style.css', source), new URL('style.css', target)),
  copyFile(new URL('favicon.svg', source), new URL('favicon.svg', target)),
  bundlePage(new URL('main.ts', source).pathname).then((js) => writeFile(new URL('main.js', target), js)),
]);
