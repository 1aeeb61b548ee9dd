/** Slack's request signature: `v0=` + hex HMAC-SHA256(signing secret, `v0:{timestamp}:{raw body}`). */
import { createHmac } from 'node:crypto';

export function slackSignature(signingSecret: string, timestampSeconds: number, body: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestampSeconds}:${body}`).digest('hex')}`;
}
