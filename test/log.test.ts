import { describe, expect, it } from 'vitest';
import { Secret } from '../src/domain/secret.ts';
import { createLogger } from '../src/log.ts';
import { captureOutput } from './support/capture-log.ts';

describe('logs', () => {
  it('drop secret-named fields by configuration and print Secret values as [redacted]', () => {
    const out = captureOutput();
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
    for (const value of ['tok-AAA', 'sk-BBB', 'ak-CCC', 'tok-DDD', 'tok-EEE', 'sec-FFF'])
      expect(line).not.toContain(value);
    expect(JSON.parse(line)).toMatchObject({
      msg: 'calling provider',
      provider: { region: 'eu-west-2' },
      created: { key: '[redacted]' },
    });
  });
});
