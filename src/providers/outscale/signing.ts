/**
 * AWS Signature Version 4 for EIM, through `aws4`. Service and region are passed explicitly: aws4 only
 * infers them for amazonaws.com hosts. The Host header is signed exactly as it is sent (with the port when
 * the endpoint has one), and the result is re-computed on every attempt so `X-Amz-Date` stays fresh.
 */
import aws4 from 'aws4';
import type { Secret } from '../../domain/secret.ts';
import type { HttpRequest } from '../http/http-client.ts';

interface SigningSettings {
  accessKey: Secret;
  secretKey: Secret;
  region: string;
  service: string;
}

export function sigV4(settings: SigningSettings): (request: HttpRequest & { host: string }) => Record<string, string> {
  return (request) => {
    const signed = aws4.sign(
      {
        method: request.method,
        host: request.host,
        path: request.path,
        body: request.body ?? '',
        service: settings.service,
        region: settings.region,
        headers: { ...request.headers, Host: request.host },
      },
      { accessKeyId: settings.accessKey.reveal(), secretAccessKey: settings.secretKey.reveal() },
    );
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(signed.headers ?? {})) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : String(value);
    }
    return headers;
  };
}
