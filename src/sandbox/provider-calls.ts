/**
 * The provider API calls an approved request makes, as text for the what-if view: each provider's
 * descriptor describes what its adapter sends (see docs/providers/*.md); it is a description, never executed.
 * A kind whose capability the provider lacks is said to be unsupported, as submitting it is refused.
 */
import type { ProviderSettings } from '../config/load-policy.ts';
import { descriptorOf } from '../providers/registry.ts';
import { CAPABILITY_NAMES, CAPABILITY_OF_KIND } from '../workflow/ports.ts';
import type { DescribeCall } from '../workflow/what-if.ts';

export function providerCallDescriber(settings: Readonly<Record<string, ProviderSettings>>): DescribeCall {
  return (input) => {
    const descriptor = descriptorOf(input.providerType);
    if (!descriptor) return [`${input.providerId}: no adapter for provider type ${input.providerType}`];
    const needs = CAPABILITY_OF_KIND[input.kind];
    if (descriptor.capabilities[needs] === false)
      return [`${descriptor.label}: ${CAPABILITY_NAMES[needs]} is not supported`];
    const provider = settings[input.providerId];
    return descriptor.describeCalls(input, provider?.type === input.providerType ? provider : undefined);
  };
}
