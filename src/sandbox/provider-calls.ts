/**
 * The provider API calls an approved request makes, as text for the what-if view. Mirrors what each
 * adapter sends (see docs/providers/*.md); it is a description, never executed.
 */
import type { ProviderSettings } from '../config/load-policy.ts';
import type { CallInput, DescribeCall } from '../workflow/what-if.ts';

export function providerCallDescriber(settings: Readonly<Record<string, ProviderSettings>>): DescribeCall {
  return (input) => {
    const provider = settings[input.providerId];
    switch (input.providerType) {
      case 'cloudflare':
        return cloudflare(input, provider?.type === 'cloudflare' ? provider.accountId : '{account}');
      case 'scaleway':
        return scaleway(input);
      case 'outscale':
        return outscale(input);
      case 'jcs':
        return jcs(input);
      default:
        return [`${input.providerId}: no adapter for provider type ${input.providerType}`];
    }
  };
}

function cloudflare({ kind, principal, group }: CallInput, account: string): string[] {
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

function scaleway({ kind, principal, group }: CallInput): string[] {
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

function outscale({ kind, principal, group }: CallInput): string[] {
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

function jcs({ kind, principal, group }: CallInput): string[] {
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
