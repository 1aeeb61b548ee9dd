/**
 * The parts of Slack's payloads the bot reads, parsed with zod: a malformed or unexpected payload is
 * refused with a log line, never a crash. Identity (`user.id`) comes from Slack's signed envelope;
 * request ids in button values only say which request, never who may act.
 */
import { z } from 'zod';

const user = z.object({ id: z.string().min(1) }).loose();

export const blockActionBody = z
  .object({
    user,
    trigger_id: z.string().optional(),
    channel: z.object({ id: z.string() }).loose().optional(),
    message: z.object({ ts: z.string() }).loose().optional(),
    view: z
      .object({ id: z.string(), hash: z.string().optional(), private_metadata: z.string().optional() })
      .loose()
      .optional(),
    actions: z
      .array(
        z
          .object({
            action_id: z.string(),
            // Checked by whoever reads it: a forged or oversized value is refused with a word to the person.
            value: z.string().optional(),
            selected_option: z.object({ value: z.string() }).loose().nullish(),
          })
          .loose(),
      )
      .min(1),
  })
  .loose();
export type BlockActionBody = z.infer<typeof blockActionBody>;

const inputValue = z
  .object({
    value: z.string().nullish(),
    selected_option: z.object({ value: z.string() }).loose().nullish(),
    selected_options: z.array(z.object({ value: z.string() }).loose()).nullish(),
  })
  .loose();

export const viewSubmissionBody = z
  .object({
    user,
    view: z
      .object({
        id: z.string().max(64),
        private_metadata: z.string().max(3000).default(''),
        title: z
          .object({ text: z.string().max(24) })
          .loose()
          .optional(),
        /** The submitted view's blocks: field errors may name only its input blocks. */
        blocks: z.array(z.object({ type: z.string(), block_id: z.string().optional() }).loose()).default([]),
        state: z.object({ values: z.record(z.string(), z.record(z.string(), inputValue)) }).loose(),
      })
      .loose(),
  })
  .loose();
export type ViewSubmissionBody = z.infer<typeof viewSubmissionBody>;

export const suggestionBody = z
  .object({
    user,
    value: z.string().max(200).default(''),
    view: z.object({ private_metadata: z.string().optional() }).loose().optional(),
  })
  .loose();

/** The value of one input in a submitted view. */
export function inputOf(
  body: ViewSubmissionBody,
  block: string,
  action: string,
): z.infer<typeof inputValue> | undefined {
  return body.view.state.values[block]?.[action];
}
