/** Real Scaleway traffic recorded by the Terraform provider's tests (go-vcr cassettes), and a replayer. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SimServer, type SimResponse } from '../../../src/simulators/shared/sim-server.ts';

export const CASSETTE_DIR = join(import.meta.dirname, '../../fixtures/scaleway-recorded');

export interface Interaction {
  cassette: string;
  id: number;
  method: string;
  /** Below `/iam/v1alpha1`, without query. */
  path: string;
  query: URLSearchParams;
  status: number;
  headers: Record<string, string>;
  body: string;
}

interface RawInteraction {
  id: number;
  request: { method: string; url: string };
  response: { code: number; body?: string; headers?: Record<string, string[]> };
}

export function cassette(name: string): Interaction[] {
  const doc = parse(readFileSync(join(CASSETTE_DIR, `${name}.cassette.yaml`), 'utf8')) as {
    interactions: RawInteraction[];
  };
  return doc.interactions.map((raw) => {
    const url = new URL(raw.request.url);
    // Content-Length and Date are left to the replaying server: recorded bodies were redacted.
    const headers: Record<string, string> = {};
    for (const [name, values] of Object.entries(raw.response.headers ?? {})) {
      if (['content-type', 'x-request-id'].includes(name.toLowerCase()))
        headers[name.toLowerCase()] = values.join(', ');
    }
    return {
      cassette: name,
      id: raw.id,
      method: raw.request.method,
      path: url.pathname.replace(/^\/iam\/v1alpha1/, ''),
      query: url.searchParams,
      status: raw.response.code,
      headers,
      body: raw.response.body ?? '',
    };
  });
}

export function allCassettes(): Interaction[] {
  return readdirSync(CASSETTE_DIR)
    .filter((file) => file.endsWith('.cassette.yaml'))
    .flatMap((file) => cassette(file.replace('.cassette.yaml', '')));
}

export function interaction(name: string, id: number): Interaction {
  const found = cassette(name).find((i) => i.id === id);
  if (!found) throw new Error(`no interaction ${id} in ${name}`);
  return found;
}

/**
 * Answers the given interactions in order with their recorded status, headers and body, as long as
 * each request has the recorded method and path; anything else is a 500 that names the mismatch.
 */
export async function replay(interactions: Interaction[]): Promise<SimServer> {
  const queue = [...interactions];
  return SimServer.start(
    (request): SimResponse => {
      const next = queue.shift();
      const path = request.path.replace(/^\/iam\/v1alpha1/, '');
      if (!next || next.method !== request.method || next.path !== path) {
        const expected = next ? `${next.method} ${next.path}` : 'nothing';
        return {
          status: 500,
          headers: { 'content-type': 'text/plain' },
          body: `replay expected ${expected}, got ${request.method} ${path}`,
        };
      }
      return { status: next.status, headers: next.headers, body: next.body };
    },
    { faultResponse: (status) => ({ status, body: '' }) },
  );
}
