import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Secret } from '../src/domain/secret.ts';
import { createLogger } from '../src/log.ts';

function capture() {
  let text = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      text += chunk.toString();
      callback();
    },
  });
  return { destination, text: () => text };
}

describe('logs', () => {
  it('drop secret-named fields by configuration and print Secret values as [redacted]', () => {
    const out = capture();
    const log = createLogger({ level: 'info', destination: out.destination });
    log.info(
      {
        token: 'tok-AAA',
        provider: { secretKey: 'sk-BBB', accessKey: 'ak-CCC', region: 'eu-west-2' },
        headers: { authorization: 'Bearer tok-DDD', 'x-auth-token': 'tok-EEE' },
        created: { key: new Secret('sec-FFF') },
      },
      'calling provider',
    );
    const line = out.text();
    for (const value of ['tok-AAA', 'sk-BBB', 'ak-CCC', 'tok-DDD', 'tok-EEE', 'sec-FFF']) expect(line).not.toContain(value);
    expect(JSON.parse(line)).toMatchObject({ msg: 'calling provider', provider: { region: 'eu-west-2' }, created: { key: '[redacted]' } });
  });
});
