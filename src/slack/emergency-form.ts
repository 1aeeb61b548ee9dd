/** The request form's emergency fields (offered only for an item that allows break-glass). */
import type { WorkflowError } from '../domain/errors.ts';
import { inputOf, type ViewSubmissionBody } from './payloads.ts';
import { ACTION, BLOCK } from './views/ids.ts';
import { BREAK_GLASS_VALUE } from './views/modals.ts';

/**
 * Whether the emergency was ticked and the request's reason (what the emergency is, then the "Why?" text
 * if any), or what is wrong with the two emergency fields, shown on the emergency's reason.
 */
export function emergencyOf(
  form: ViewSubmissionBody,
  why: string,
): { breakGlass: boolean; reason: string } | { error: WorkflowError } {
  const ticked =
    inputOf(form, BLOCK.breakGlass, ACTION.breakGlass)?.selected_options?.some((o) => o.value === BREAK_GLASS_VALUE) ??
    false;
  const emergency = inputOf(form, BLOCK.emergency, ACTION.emergency)?.value?.trim() ?? '';
  if (!ticked && emergency !== '')
    return {
      error: {
        code: 'invalid_input',
        message: 'Tick Emergency (break-glass) to get this access at once, or leave this empty and ask the approvers.',
      },
    };
  if (!ticked) return { breakGlass: false, reason: why };
  if (emergency === '')
    return {
      error: {
        code: 'invalid_input',
        message: 'Break-glass needs the emergency, in a few words: its reviewers and the admins read it.',
      },
    };
  return { breakGlass: true, reason: why.trim() === '' ? emergency : `${emergency}\n\n${why.trim()}` };
}
