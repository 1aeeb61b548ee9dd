/** PostgreSQL connection URLs: recognising one, and naming it without ever showing the password. */

export function isDatabaseUrl(url: string): boolean {
  return URL.canParse(url) && ['postgres:', 'postgresql:'].includes(new URL(url).protocol);
}

/** `host:port/database` of a connection URL: what messages and logs may show. */
export function describeDatabase(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return 'DATABASE_URL (not a URL)';
  }
}
