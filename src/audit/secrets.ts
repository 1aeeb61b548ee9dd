/**
 * The audit log must never hold a secret. Appends refuse details that carry a `Secret`
 * anywhere, or a key that names a secret value. The rule is deliberately blunt: a false alarm costs a
 * renamed field, a miss costs a leaked credential in an append-only file.
 */
import { Secret } from '../domain/secret.ts';
import { AuditLogError } from './errors.ts';

/** Words that, in a key lowercased and stripped of `_`, `-`, `.` and spaces, mark a secret value. */
const SECRET_WORD = /secret|password|passwd|passphrase|token|privatekey|seed|credential/;
/** ...unless the key only names or identifies one (`tokenId`, `secretName`), which is safe to log. */
const IDENTIFIER_SUFFIX = /(id|name)$/;

function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[\s_.-]/g, '');
  return SECRET_WORD.test(k) && !IDENTIFIER_SUFFIX.test(k);
}

/** Throws `AuditLogError` naming the path of the first secret found in `details`. */
export function assertNoSecrets(details: Record<string, unknown>): void {
  // Iterative walk with a seen-set: details are caller data and may be deep or cyclic.
  const seen = new Set<object>();
  const stack: { value: unknown; path: string }[] = [{ value: details, path: 'details' }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { value, path } = item;
    if (value instanceof Secret)
      throw new AuditLogError('audit_refused', `audit details must not hold a secret: ${path} is a Secret`);
    if (typeof value !== 'object' || value === null || seen.has(value)) continue;
    seen.add(value);
    for (const [key, child] of Object.entries(value)) {
      const childPath = Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`;
      if (!Array.isArray(value) && isSecretKey(key)) {
        throw new AuditLogError(
          'audit_refused',
          `audit details must not hold a secret: key ${childPath} looks like one`,
        );
      }
      stack.push({ value: child, path: childPath });
    }
  }
}
