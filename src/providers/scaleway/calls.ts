/** The Scaleway calls an approved request makes, as text for the sandbox's what-if view (docs/providers/scaleway.md). */
import type { CallInput } from '../../workflow/what-if.ts';

export function describeScalewayCalls({ kind, principal, group }: CallInput): string[] {
  const groupPath = `/iam/v1alpha1/groups/${group ?? '{group}'}`;
  switch (kind) {
    case 'group.add':
      return [`Scaleway: POST ${groupPath}/add-members for ${principal}`];
    case 'group.remove':
      return [`Scaleway: POST ${groupPath}/remove-members for ${principal}`];
    case 'key.rotate':
      return [
        `Scaleway: POST /iam/v1alpha1/api-keys for ${principal} (the new secret is revealed once)`,
        `Scaleway: DELETE /iam/v1alpha1/api-keys/{old key} once ${principal}'s owner confirms`,
      ];
    case 'mfa.reset':
      return [`Scaleway: DELETE /iam/v1alpha1/users/{id of ${principal}}/mfa-otp`];
  }
}
