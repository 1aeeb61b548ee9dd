#!/usr/bin/env node
// Runs the compiled CLI (`npm run build` writes dist/; `npm install` and `npm ci` run it through `prepare`).
let main;
try {
  main = await import('../dist/main.js');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/main.js')) throw error;
  process.stderr.write('iam-bot: not built yet: run `npm run build` first\n');
  process.exit(1);
}
process.exitCode = await main.run(process.argv.slice(2));
