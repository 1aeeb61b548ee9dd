#!/usr/bin/env node
// `npm start`: the sandbox on a fresh clone, otherwise `iam-bot start` (see src/cli/npm-start.ts).
import { register } from 'tsx/esm/api';

register();
const { npmStart } = await import('../src/cli/npm-start.ts');
process.exitCode = await npmStart(process.argv.slice(2));
