// Builds dist/ when a source is newer than the last build, so `npm start` and the tests that run the
// executable always run the current code, and a fresh clone needs no separate build step.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const stamp = join(root, 'dist/sandbox/page/main.js'); // the build's last output

function newest(path) {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  return Math.max(info.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

function builtAt() {
  try {
    return statSync(stamp).mtimeMs;
  } catch {
    return -Infinity;
  }
}

const inputs = ['src', 'scripts', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'].map((p) =>
  join(root, p),
);
if (Math.max(...inputs.map(newest)) > builtAt()) {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}
