/** The Cloudflare calls an approved request makes, as text for the sandbox's what-if view (docs/providers/cloudflare.md). */
import type { CallInput } from '../../workflow/what-if.ts';
import type { CloudflareSettings } from './settings.ts';

export function describeCloudflareCalls(
  { kind, principal, group }: CallInput,
  settings: CloudflareSettings | undefined,
): string[] {
  const account = settings?.accountId ?? '{account}';
  const groupPath = `/accounts/${account}/iam/user_groups/${group ?? '{group}'}/members`;
  switch (kind) {
    case 'group.add':
      return [`Cloudflare: POST ${groupPath} for ${principal}`];
    case 'group.remove':
      return [`Cloudflare: DELETE ${groupPath}/{member id of ${principal}}`];
    case 'key.rotate':
      return [
        `Cloudflare: PUT /accounts/${account}/tokens/${principal}/value (roll the token; the new value is revealed once)`,
      ];
    case 'mfa.reset':
      return ['Cloudflare: MFA reset is not supported'];
  }
}
