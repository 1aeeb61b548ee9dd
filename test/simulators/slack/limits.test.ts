import { WebAPIPlatformError, type WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackSimulator } from '../../../src/simulators/slack/index.ts';
import { ALICE, AUDIT, seededSimulator, webClient } from './support.ts';

let sim: SlackSimulator;
let client: WebClient;

beforeAll(async () => {
  // Dozens of posts to one channel: these tests are about Block Kit, not chat.postMessage's pace.
  sim = await seededSimulator({ rateLimits: false });
  client = webClient(sim);
});
afterAll(async () => {
  await sim.close();
});

type Json = Record<string, unknown>;

const plain = (text: string) => ({ type: 'plain_text', text });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const section = (text: string, extra: Json = {}) => ({ type: 'section', text: mrkdwn(text), ...extra });
const button = (actionId: string, text = 'Go', extra: Json = {}) => ({
  type: 'button',
  action_id: actionId,
  text: plain(text),
  ...extra,
});
const option = (text: string, value: string) => ({ text: plain(text), value });
const select = (options: Json[]) => ({ type: 'static_select', action_id: 'pick', placeholder: plain('Pick'), options });
const modal = (extra: Json = {}) => ({ type: 'modal', title: plain('Request access'), blocks: [], ...extra });
const input = (blockId: string) => ({
  type: 'input',
  block_id: blockId,
  label: plain('Reason'),
  element: { type: 'plain_text_input', action_id: 'value' },
});

/** What Slack answers a post of these blocks: the error and its "[json-pointer:…]" lines. */
async function postBlocks(blocks: unknown): Promise<{ error?: string; errors?: string[]; warnings: string[] }> {
  try {
    await client.apiCall('chat.postMessage', { channel: AUDIT, text: 'fallback', blocks });
    return { warnings: sim.calls.at(-1)?.warnings ?? [] };
  } catch (error) {
    if (!(error instanceof WebAPIPlatformError)) throw error;
    return { error: error.data.error, errors: (error.data as { errors?: string[] }).errors, warnings: [] };
  }
}

/** What Slack answers a views.open of this view: invalid_arguments naming the field. */
async function openView(view: unknown): Promise<{ error?: string; messages: string[] }> {
  try {
    await client.apiCall('views.open', { trigger_id: sim.issueTrigger(ALICE), view });
    return { messages: [] };
  } catch (error) {
    if (!(error instanceof WebAPIPlatformError)) throw error;
    return { error: error.data.error, messages: error.data.response_metadata?.messages ?? [] };
  }
}

describe('message Block Kit limits answer invalid_blocks with the offending field', () => {
  const cases: Array<[string, unknown, string]> = [
    [
      '51 blocks',
      Array.from({ length: 51 }, () => ({ type: 'divider' })),
      'no more than 50 items allowed [json-pointer:/blocks]',
    ],
    [
      'section text over 3000',
      [section('x'.repeat(3001))],
      'must be less than 3001 characters [json-pointer:/blocks/0/text/text]',
    ],
    [
      'context text over 3000',
      [{ type: 'context', elements: [mrkdwn('x'.repeat(3001))] }],
      'must be less than 3001 characters [json-pointer:/blocks/0/elements/0/text]',
    ],
    [
      'header text over 150',
      [{ type: 'header', text: plain('x'.repeat(151)) }],
      'must be less than 151 characters [json-pointer:/blocks/0/text/text]',
    ],
    [
      'button text over 75',
      [{ type: 'actions', elements: [button('go', 'x'.repeat(76))] }],
      'must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]',
    ],
    [
      'action_id over 255',
      [{ type: 'actions', elements: [button('a'.repeat(256))] }],
      'must be less than 256 characters [json-pointer:/blocks/0/elements/0/action_id]',
    ],
    [
      'block_id over 255',
      [{ type: 'divider', block_id: 'b'.repeat(256) }],
      'must be less than 256 characters [json-pointer:/blocks/0/block_id]',
    ],
    [
      '101 options',
      [section('x', { accessory: select(Array.from({ length: 101 }, (_, i) => option(`o${i}`, `v${i}`))) })],
      'no more than 100 items allowed [json-pointer:/blocks/0/accessory/options]',
    ],
    [
      'option text over 75',
      [section('x', { accessory: select([option('x'.repeat(76), 'v')]) })],
      'must be less than 76 characters [json-pointer:/blocks/0/accessory/options/0/text/text]',
    ],
    [
      'option value over 150',
      [section('x', { accessory: select([option('o', 'v'.repeat(151))]) })],
      'must be less than 151 characters [json-pointer:/blocks/0/accessory/options/0/value]',
    ],
    [
      'option description over 75',
      [section('x', { accessory: select([{ ...option('o', 'v'), description: plain('d'.repeat(76)) }]) })],
      'must be less than 76 characters [json-pointer:/blocks/0/accessory/options/0/description/text]',
    ],
    [
      'a mrkdwn select option',
      [section('x', { accessory: select([{ text: mrkdwn('o'), value: 'v' }]) })],
      'must be plain_text [json-pointer:/blocks/0/accessory/options/0/text/type]',
    ],
    [
      'checkbox option text over 75',
      [
        {
          type: 'actions',
          elements: [{ type: 'checkboxes', action_id: 'c', options: [{ text: mrkdwn('x'.repeat(76)), value: 'v' }] }],
        },
      ],
      'must be less than 76 characters [json-pointer:/blocks/0/elements/0/options/0/text/text]',
    ],
    [
      'radio option value over 150',
      [
        {
          type: 'actions',
          elements: [{ type: 'radio_buttons', action_id: 'r', options: [option('o', 'v'.repeat(151))] }],
        },
      ],
      'must be less than 151 characters [json-pointer:/blocks/0/elements/0/options/0/value]',
    ],
    [
      '11 checkboxes',
      [
        {
          type: 'actions',
          elements: [
            {
              type: 'checkboxes',
              action_id: 'c',
              options: Array.from({ length: 11 }, (_, i) => option(`o${i}`, `v${i}`)),
            },
          ],
        },
      ],
      'no more than 10 items allowed [json-pointer:/blocks/0/elements/0/options]',
    ],
    [
      'overflow option text over 75',
      [section('x', { accessory: { type: 'overflow', action_id: 'o', options: [option('x'.repeat(76), 'v')] } })],
      'must be less than 76 characters [json-pointer:/blocks/0/accessory/options/0/text/text]',
    ],
    [
      '6 overflow options',
      [
        section('x', {
          accessory: {
            type: 'overflow',
            action_id: 'o',
            options: Array.from({ length: 6 }, (_, i) => option(`o${i}`, `v${i}`)),
          },
        }),
      ],
      'no more than 5 items allowed [json-pointer:/blocks/0/accessory/options]',
    ],
    [
      'option group label over 75',
      [
        section('x', {
          accessory: {
            type: 'static_select',
            action_id: 'g',
            option_groups: [{ label: plain('x'.repeat(76)), options: [option('o', 'v')] }],
          },
        }),
      ],
      'must be less than 76 characters [json-pointer:/blocks/0/accessory/option_groups/0/label/text]',
    ],
    [
      'an initial option over 75',
      [section('x', { accessory: { ...select([option('o', 'v')]), initial_option: option('x'.repeat(76), 'v') } })],
      'must be less than 76 characters [json-pointer:/blocks/0/accessory/initial_option/text/text]',
    ],
    [
      '11 context elements',
      [{ type: 'context', elements: Array.from({ length: 11 }, () => mrkdwn('x')) }],
      'no more than 10 items allowed [json-pointer:/blocks/0/elements]',
    ],
    [
      '11 section fields',
      [{ type: 'section', fields: Array.from({ length: 11 }, () => mrkdwn('x')) }],
      'no more than 10 items allowed [json-pointer:/blocks/0/fields]',
    ],
    [
      'a section field over 2000',
      [{ type: 'section', fields: [mrkdwn('x'.repeat(2001))] }],
      'must be less than 2001 characters [json-pointer:/blocks/0/fields/0/text]',
    ],
    [
      '26 actions elements',
      [{ type: 'actions', elements: Array.from({ length: 26 }, (_, i) => button(`b${i}`)) }],
      'no more than 25 items allowed [json-pointer:/blocks/0/elements]',
    ],
    [
      'button value over 2000',
      [{ type: 'actions', elements: [button('go', 'Go', { value: 'v'.repeat(2001) })] }],
      'must be less than 2001 characters [json-pointer:/blocks/0/elements/0/value]',
    ],
    [
      'button url over 3000',
      [{ type: 'actions', elements: [button('go', 'Go', { url: `https://x.example/${'u'.repeat(3000)}` })] }],
      'must be less than 3001 characters [json-pointer:/blocks/0/elements/0/url]',
    ],
    [
      'placeholder over 150',
      [section('x', { accessory: { ...select([option('o', 'v')]), placeholder: plain('p'.repeat(151)) } })],
      'must be less than 151 characters [json-pointer:/blocks/0/accessory/placeholder/text]',
    ],
    ['an empty section text', [section('')], 'must be more than 0 characters [json-pointer:/blocks/0/text/text]'],
    [
      'an empty button text',
      [{ type: 'actions', elements: [button('go', '')] }],
      'must be more than 0 characters [json-pointer:/blocks/0/elements/0/text/text]',
    ],
    [
      'duplicate block_ids',
      [
        { type: 'divider', block_id: 'same' },
        { type: 'divider', block_id: 'same' },
      ],
      'duplicate block_id: same [json-pointer:/blocks/1/block_id]',
    ],
    [
      'duplicate action_ids in a block',
      [{ type: 'actions', elements: [button('go'), button('go')] }],
      'duplicate action_id: go [json-pointer:/blocks/0/elements/1/action_id]',
    ],
    ['a block without a type', [{ text: mrkdwn('x') }], 'missing required field: type [json-pointer:/blocks/0]'],
  ];

  it.each(cases)('%s', async (_name, blocks, expected) => {
    const answer = await postBlocks(blocks);
    expect(answer.error).toBe('invalid_blocks');
    expect(answer.errors).toContain(expected);
  });

  it('accepts each limit exactly, and the same action_id in two blocks', async () => {
    const blocks = [
      section('x'.repeat(3000)),
      { type: 'header', text: plain('x'.repeat(150)) },
      { type: 'actions', block_id: 'b'.repeat(255), elements: [button('a'.repeat(255), 'x'.repeat(75))] },
      { type: 'actions', elements: [button('go')] },
      { type: 'actions', elements: [button('go')] },
      section('menu', {
        accessory: select(
          Array.from({ length: 100 }, (_, i) => ({
            ...option('x'.repeat(75), `${i}`.padEnd(150, 'v')),
            description: plain('d'.repeat(75)),
          })),
        ),
      }),
      {
        type: 'actions',
        elements: [
          {
            type: 'checkboxes',
            action_id: 'c',
            options: Array.from({ length: 10 }, (_, i) => ({
              text: mrkdwn('x'.repeat(75)),
              value: `${i}`.padEnd(150, 'v'),
            })),
          },
        ],
      },
      { type: 'context', elements: Array.from({ length: 10 }, () => mrkdwn('x'.repeat(3000))) },
      { type: 'section', fields: Array.from({ length: 10 }, () => mrkdwn('x'.repeat(2000))) },
      ...Array.from({ length: 41 }, () => ({ type: 'divider' })),
    ];
    expect(blocks).toHaveLength(50);
    expect(await postBlocks(blocks)).toEqual({ warnings: [] });
  });

  it('answers invalid_blocks_format when blocks are not an array', async () => {
    expect((await postBlocks({ type: 'divider' })).error).toBe('invalid_blocks_format');
  });

  it('truncates a posted text over 40,000 characters (with a warning) and refuses one over 4,000 in an update', async () => {
    const posted = await client.chat.postMessage({ channel: AUDIT, text: 'x'.repeat(40_001) });
    expect(sim.workspace.message(AUDIT, posted.ts as string)?.text).toHaveLength(40_000);
    expect(sim.calls.at(-1)?.warnings).toEqual(['text is 40001 characters: Slack keeps the first 40000']);
    await expect(
      client.chat.update({ channel: AUDIT, ts: posted.ts as string, text: 'x'.repeat(4001) }),
    ).rejects.toMatchObject({ data: { error: 'msg_too_long' } });
    expect((await client.chat.update({ channel: AUDIT, ts: posted.ts as string, text: 'x'.repeat(4000) })).ok).toBe(
      true,
    );
  });
});

describe('view limits answer invalid_arguments with the offending field', () => {
  const cases: Array<[string, unknown, string]> = [
    [
      '101 blocks',
      modal({ blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) }),
      'no more than 100 items allowed [json-pointer:/view/blocks]',
    ],
    [
      'title over 24',
      modal({ title: plain('x'.repeat(25)) }),
      'must be less than 25 characters [json-pointer:/view/title/text]',
    ],
    [
      'submit over 24',
      modal({ submit: plain('x'.repeat(25)) }),
      'must be less than 25 characters [json-pointer:/view/submit/text]',
    ],
    [
      'close over 24',
      modal({ close: plain('x'.repeat(25)) }),
      'must be less than 25 characters [json-pointer:/view/close/text]',
    ],
    [
      'callback_id over 255',
      modal({ callback_id: 'c'.repeat(256) }),
      'must be less than 256 characters [json-pointer:/view/callback_id]',
    ],
    [
      'private_metadata over 3000',
      modal({ private_metadata: 'm'.repeat(3001) }),
      'must be less than 3001 characters [json-pointer:/view/private_metadata]',
    ],
    ['no type', { title: plain('Request'), blocks: [] }, 'missing required field: type [json-pointer:/view]'],
    ['a modal without a title', { type: 'modal', blocks: [] }, 'missing required field: title [json-pointer:/view]'],
    ['a mrkdwn title', modal({ title: mrkdwn('Request') }), 'must be plain_text [json-pointer:/view/title/type]'],
    [
      'inputs without a submit button',
      modal({ blocks: [input('reason')] }),
      'missing required field: submit (required when blocks contain an input block) [json-pointer:/view]',
    ],
    [
      'duplicate block_ids',
      modal({ submit: plain('Send'), blocks: [input('reason'), input('reason')] }),
      'duplicate block_id: reason [json-pointer:/view/blocks/1/block_id]',
    ],
    [
      'external_id over 255',
      modal({ external_id: 'e'.repeat(256) }),
      'must be less than 256 characters [json-pointer:/view/external_id]',
    ],
    [
      'input label over 2000',
      modal({ submit: plain('Send'), blocks: [{ ...input('r'), label: plain('l'.repeat(2001)) }] }),
      'must be less than 2001 characters [json-pointer:/view/blocks/0/label/text]',
    ],
    [
      'input hint over 2000',
      modal({ submit: plain('Send'), blocks: [{ ...input('r'), hint: plain('h'.repeat(2001)) }] }),
      'must be less than 2001 characters [json-pointer:/view/blocks/0/hint/text]',
    ],
    [
      'a text input max_length over 3000',
      modal({
        submit: plain('Send'),
        blocks: [{ ...input('r'), element: { type: 'plain_text_input', action_id: 'v', max_length: 3001 } }],
      }),
      'must be at most 3000 [json-pointer:/view/blocks/0/element/max_length]',
    ],
    [
      'an initial value over max_length',
      modal({
        submit: plain('Send'),
        blocks: [
          {
            ...input('r'),
            element: { type: 'plain_text_input', action_id: 'v', max_length: 5, initial_value: 'x'.repeat(6) },
          },
        ],
      }),
      'must be less than 6 characters [json-pointer:/view/blocks/0/element/initial_value]',
    ],
    [
      'a checkbox option over 75 in an input (the MFA attestation)',
      modal({
        submit: plain('Send'),
        blocks: [
          {
            ...input('r'),
            element: {
              type: 'checkboxes',
              action_id: 'v',
              options: [{ text: mrkdwn('x'.repeat(76)), value: 'verified' }],
            },
          },
        ],
      }),
      'must be less than 76 characters [json-pointer:/view/blocks/0/element/options/0/text/text]',
    ],
  ];

  it.each(cases)('%s', async (_name, view, expected) => {
    const answer = await openView(view);
    expect(answer.error).toBe('invalid_arguments');
    expect(answer.messages).toContain(`[ERROR] ${expected}`);
  });

  it('accepts each limit exactly and keeps the trigger for a retry after a refusal', async () => {
    const trigger = sim.issueTrigger(ALICE);
    await expect(
      client.apiCall('views.open', { trigger_id: trigger, view: modal({ title: plain('x'.repeat(25)) }) }),
    ).rejects.toMatchObject({ data: { error: 'invalid_arguments' } });
    const view = modal({
      title: plain('x'.repeat(24)),
      submit: plain('s'.repeat(24)),
      close: plain('c'.repeat(24)),
      callback_id: 'c'.repeat(255),
      private_metadata: 'm'.repeat(3000),
      blocks: Array.from({ length: 100 }, (_, i) => input(`b${i}`)),
    });
    expect((await client.apiCall('views.open', { trigger_id: trigger, view })).ok).toBe(true);
  });
});
