/**
 * The provider API calls an approved request makes, as text for the what-if view: each provider's
 * descriptor describes what its adapter sends (see docs/providers/*.md); it is a description, never executed.
 */
import type { ProviderSettings } from '../config/load-policy.ts';
import { descriptorOf } from '../providers/registry.ts';
import type { DescribeCall } from '../workflow/what-if.ts';

export function providerCallDescriber(settings: Readonly<Record<string, ProviderSettings>>): DescribeCall {
  return (input) => {
    const descriptor = descriptorOf(input.providerType);
    if (!descriptor) return [`${input.providerId}: no adapter for provider type ${input.providerType}`];
    const provider = settings[input.providerId];
    return descriptor.describeCalls(input, provider?.type === input.providerType ? provider : undefined);
  };
}
