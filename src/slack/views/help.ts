/** `/iam help`, and the answer to anything `/iam` does not understand. */
export function helpText(unknown?: string): string {
  const lead = unknown ? `I don't know \`/iam ${unknown}\`. Here is what I do:\n` : '';
  return `${lead}• \`/iam\` — ask for access, a key rotation or an MFA reset
• \`/iam status [REQ-0042]\` — where a request stands (yours, most recent first, without an id)
• \`/iam history\` — your requests
• \`/iam pending\` — the approvals waiting for you (\`/iam pending --all\`, admins: every waiting request, longest first)
• \`/iam cancel REQ-0042\` — cancel your pending request
• \`/iam release REQ-0042\` — end your timed access now
• \`/iam extend REQ-0042 2h [why]\` — ask for more time (approved like the first request)
• \`/iam help\` — this message`;
}
