#!/usr/bin/env node
// `npm start`: the sandbox on a fresh clone, otherwise `iam-bot start` (see src/cli/npm-start.ts).
// The npm script builds dist/ first when a source changed (scripts/ensure-built.js).
const { npmStart } = await import('../dist/cli/npm-start.js');
process.exitCode = await npmStart(process.argv.slice(2));
