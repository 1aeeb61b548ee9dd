/// <reference lib="dom" />
import { IamBotError } from '../../shared/errors.ts';
/** The sandbox server's JSON API, as the page calls it. */
export interface Persona {
  id: string;
  name: string;
  realName: string;
  role: string;
}

export interface Message {
  channel: string;
  ts: string;
  author: string;
  text: string;
  blocks: Block[];
  edited: boolean;
  replies: Message[];
}

export interface Conversation {
  id: string;
  name: string;
  messages: Message[];
}

export type Block = Record<string, unknown> & { type: string; block_id?: string };
export interface View {
  id: string;
  type: string;
  hash: string;
  title?: { text: string };
  submit?: { text: string } | null;
  close?: { text: string } | null;
  blocks: Block[];
}

export interface ProviderPanel {
  name: string;
  groups: { name: string; members: string[] }[];
  keys: { owner: string; id: string; status: string }[];
  mfa: { owner: string; device: string; status: string }[];
}

export interface State {
  personas: Persona[];
  notes: string[];
  catalog: { id: string; title: string; kind: string; provider: string }[];
  slack: {
    user: string;
    channels: Conversation[];
    dm: Conversation;
    ephemeral: Message[];
    modal: { id: string; view: View; errors: Record<string, string> } | null;
    home: { id: string; view: View } | null;
    names: Record<string, string>;
  };
  providers: ProviderPanel[];
  waiting: Waiting[];
  /** The sandbox's time (the bot's and Slack's), and how far ahead of real time it runs. */
  clock: { now: number; aheadMs: number };
}

export interface Waiting {
  ref: string;
  title: string;
  action: string;
  people: string[];
  endsAt?: number;
}

export interface FastForwarded {
  now: number;
  aheadMs: number;
  sweeps: { at: number; removed: number; unexplained: number }[];
}

export interface Option {
  text: { text: string };
  value: string;
}

export interface WhatIf {
  person: string;
  item: { id: string; title: string; kind: string; provider: string };
  mayRequest: boolean;
  requestRule: string;
  principal: { ok: true; principal: string } | { ok: false; message: string };
  stages: { set: string; quorum: number; approvers: { person: string; via: string }[]; problem?: string }[];
  calls: string[];
  autoApproval: { name: string; conditions: string; applies: boolean; why?: string; usesLeft: number }[];
  breakGlass?: { terms: string; reviewers: { person: string; via: string }[]; usesLeft: number; problem?: string };
}

export async function getState(user: string): Promise<State> {
  const response = await fetch(`/api/state?user=${encodeURIComponent(user)}`);
  if (!response.ok) throw new IamBotError('sandbox_failed', await response.text());
  return (await response.json()) as State;
}

/** POSTs an action; the server answers once the bot has finished what it started. */
export async function act<T = Record<string, unknown>>(action: string, body: Record<string, unknown>): Promise<T> {
  const response = await fetch(`/api/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as T & { error?: string };
  if (!response.ok) throw new IamBotError('sandbox_failed', answer.error ?? `${action} failed (${response.status})`);
  return answer;
}
