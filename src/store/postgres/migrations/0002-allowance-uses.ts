/**
 * Uses of an allowance per key (an auto-approval rule's cap per person, break-glass's rate limit): each
 * key with its own window, so rows past it can be told apart from live ones.
 */
export const version = 2;
export const name = 'allowance uses';
export const sql = `
CREATE TABLE allowance_uses (
  key       text PRIMARY KEY,
  window_ms bigint NOT NULL CHECK (window_ms > 0),
  times     bigint[] NOT NULL
);
`;
