/**
 * Access reviews (issue 14): one row per review, kept whole as JSON like a request; `closed` and
 * `created_at` are what the open list selects and orders on.
 */
export const version = 3;
export const name = 'access reviews';
export const sql = `
CREATE TABLE reviews (
  id         text PRIMARY KEY,
  state      text NOT NULL,
  closed     boolean NOT NULL,
  version    integer NOT NULL CHECK (version > 0),
  created_at bigint NOT NULL,
  body       jsonb NOT NULL
);
CREATE INDEX reviews_open ON reviews (created_at) WHERE NOT closed;
`;
