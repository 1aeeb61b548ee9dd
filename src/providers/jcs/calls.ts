/** The JCS calls an approved request makes, as text for the sandbox's what-if view (docs/providers/jcs.md). */
import type { CallInput } from '../../workflow/what-if.ts';

export function describeJcsCalls({ kind, principal, group }: CallInput): string[] {
  switch (kind) {
    case 'group.add':
      return [`JCS: AssignUserToGroup UserName=${principal} GroupName=${group ?? '{group}'}`];
    case 'group.remove':
      return [`JCS: RemoveUserFromGroup UserName=${principal} GroupName=${group ?? '{group}'}`];
    case 'key.rotate':
      return [
        `JCS: CreateCredential UserName=${principal} (the new secret is revealed once)`,
        `JCS: DeleteCredential on the old key once the owner confirms`,
      ];
    case 'mfa.reset':
      return [`JCS: DeactivateMFADevice and DeleteVirtualMFADevice for ${principal}`];
  }
}
