import { describe, expect, it } from 'vitest';
import {
  canonicalQuery,
  encodeRfc3986,
  jcsTimestamp,
  signature,
  signedQuery,
  stringToSign,
} from '../../../src/providers/jcs/signing.ts';
import { VECTOR } from './vector.ts';

describe('JCS signature v2', () => {
  it('reproduces the docs/providers/jcs.md vector for a host with a port', () => {
    expect(signature(VECTOR.secretKey, VECTOR.hostWithPort, VECTOR.params)).toBe(VECTOR.signatureWithPort);
  });

  it('reproduces the docs/providers/jcs.md vector for the same host without the port', () => {
    expect(signature(VECTOR.secretKey, VECTOR.host, VECTOR.params)).toBe(VECTOR.signatureWithoutPort);
  });

  it('signs GET, the host, the path / and the canonical query, one per line', () => {
    expect(stringToSign('h:1', { b: '2', a: '1' })).toBe('GET\nh:1\n/\na=1&b=2');
  });

  it('sorts keys by code point (upper case before lower case) and leaves Signature out', () => {
    expect(canonicalQuery({ b: '1', B: '2', a: '3', Signature: 'x', A: '4' })).toBe('A=4&B=2&a=3&b=1');
  });

  it('encodes RFC 3986 style: unreserved literal, the rest %XX upper case, space %20, UTF-8 bytes', () => {
    expect(encodeRfc3986('Az09-_.~')).toBe('Az09-_.~');
    expect(encodeRfc3986("a b+c/d=e!'()*")).toBe('a%20b%2Bc%2Fd%3De%21%27%28%29%2A');
    expect(encodeRfc3986('é:@')).toBe('%C3%A9%3A%40');
  });

  it('formats the timestamp in UTC to the second', () => {
    expect(jcsTimestamp(new Date(Date.UTC(2016, 8, 16, 12, 0, 0, 789)))).toBe('2016-09-16T12:00:00Z');
  });

  it('builds the signed query of the vector: common parameters, canonical order, the signature percent-encoded', () => {
    const query = signedQuery(
      'AssignUserToGroup',
      { UserName: 'alice', GroupName: 'devs' },
      { accessKey: VECTOR.accessKey, secretKey: VECTOR.secretKey },
      VECTOR.hostWithPort,
      new Date(VECTOR.at),
    );
    expect(query).toBe(
      'Action=AssignUserToGroup&GroupName=devs&JCSAccessKeyId=0123456789abcdef0123456789abcdef&SignatureMethod=HmacSHA256' +
        '&SignatureVersion=2&Timestamp=2016-09-16T12%3A00%3A00Z&UserName=alice&Version=2016-09-15' +
        `&Signature=${encodeURIComponent(VECTOR.signatureWithPort)}`,
    );
  });
});
