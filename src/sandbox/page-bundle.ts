/**
 * Bundles the sandbox page's TypeScript for the browser. `npm run build` calls it once and ships the result;
 * running from source (tests, development) calls it at start. esbuild is a dev dependency: a built package
 * never loads this module.
 */
import { IamBotError } from '../shared/errors.ts';

export async function bundlePage(entry: string): Promise<string> {
  const { build } = await import('esbuild');
  const bundle = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2022',
    logLevel: 'silent',
  });
  const js = bundle.outputFiles[0]?.text;
  if (js === undefined) throw new IamBotError('internal', 'esbuild produced no page script');
  return js;
}
