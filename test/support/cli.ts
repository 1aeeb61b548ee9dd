/** Runs the CLI in-process with captured output. */
import { Writable } from 'node:stream';
import { run } from '../../src/main.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      stdout += chunk.toString();
      callback();
    },
  });
  const code = await run(argv, {
    out: (text) => (stdout += `${text}\n`),
    err: (text) => (stderr += `${text}\n`),
    stdout: stream,
    env,
  });
  return { code, stdout, stderr };
}
