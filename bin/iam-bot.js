#!/usr/bin/env node
// The CLI is written in TypeScript; tsx loads it without a separate build step.
import { register } from 'tsx/esm/api';

register();
const { run } = await import('../src/main.ts');
process.exitCode = await run(process.argv.slice(2));
