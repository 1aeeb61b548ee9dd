/**
 * The page's files. The client is TypeScript, bundled once at start with esbuild (already what tsx runs
 * on), so the page is type-checked with the rest of the code and served without any CDN.
 */
import { readFile } from 'node:fs/promises';
import { build } from 'esbuild';

const pageDir = new URL('./page/', import.meta.url);

export interface PageAssets {
  html: string;
  css: string;
  js: string;
}

export async function loadPageAssets(): Promise<PageAssets> {
  const [html, css, bundle] = await Promise.all([
    readFile(new URL('index.html', pageDir), 'utf8'),
    readFile(new URL('style.css', pageDir), 'utf8'),
    build({ entryPoints: [new URL('main.ts', pageDir).pathname], bundle: true, write: false, format: 'esm', target: 'es2022', logLevel: 'silent' }),
  ]);
  const js = bundle.outputFiles[0]?.text;
  if (js === undefined) throw new Error('esbuild produced no page script');
  return { html, css, js };
}
