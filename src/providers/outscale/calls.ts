/** The EIM calls an approved request makes, as text for the sandbox's what-if view (docs/providers/outscale.md). */
import type { CallInput } from '../../workflow/what-if.ts';

export function describeOutscaleCalls({ kind, principal, group }: CallInput): string[] {
  switch (kind) {
    case 'group.add':
      return [`Outscale EIM: AddUserToGroup GroupName=${group ?? '{group}'} UserName=${principal}`];
    case 'group.remove':
      return [`Outscale EIM: RemoveUserFromGroup GroupName=${group ?? '{group}'} UserName=${principal}`];
    case 'key.rotate':
      return [
        `Outscale EIM: CreateAccessKey UserName=${principal} (the new secret is revealed once)`,
        `Outscale EIM: UpdateAccessKey Status=Inactive on the old key once the owner confirms`,
      ];
    case 'mfa.reset':
      return ['Outscale: MFA reset is not supported'];
  }
}
