/**
 * The page's files. The client is TypeScript, type-checked with the rest of the code and served without any
 * CDN: `npm run build` bundles it next to this module as `page/main.js`; from source it is bundled at start.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const pageDir = new URL('./page/', import.meta.url);

export interface PageAssets {
  html: string;
  css: string;
  js: string;
  favicon: string;
}

export async function loadPageAssets(): Promise<PageAssets> {
  const [html, css, js, favicon] = await Promise.all([
    readFile(new URL('index.html', pageDir), 'utf8'),
    readFile(new URL('style.css', pageDir), 'utf8'),
    pageScript(),
    readFile(new URL('favicon.svg', pageDir), 'utf8'),
  ]);
  return { html, css, js, favicon };
}

async function pageScript(): Promise<string> {
  try {
    return await readFile(new URL('main.js', pageDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const { bundlePage } = await import('./page-bundle.ts');
  return bundlePage(fileURLToPath(new URL('main.ts', pageDir)));
}
