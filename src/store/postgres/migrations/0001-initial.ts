/**
 * The first schema, one table per section of the Store port. Requests are kept whole as JSON (the
 * domain owns their shape, upgraded on read as the embedded store does); the columns beside the body are
 * what queries select on. An audit entry is kept as its exact canonical line, so verification checks the
 * very bytes that were hashed. Times the workflow passes in (lease and secret deadlines, submissions)
 * are epoch milliseconds, as in the port.
 */
export const version = 1;
export const name = 'initial schema';
export const sql = `
CREATE TABLE requests (
  id             text PRIMARY KEY,
  number         integer NOT NULL UNIQUE,
  requester      text NOT NULL,
  submission_key text,
  state          text NOT NULL,
  closed         boolean NOT NULL,
  version        integer NOT NULL CHECK (version > 0),
  body           jsonb NOT NULL
);
CREATE INDEX requests_open ON requests (number) WHERE NOT closed;
CREATE INDEX requests_submission ON requests (requester, submission_key);

CREATE SEQUENCE request_numbers AS integer;

CREATE TABLE audit_log (
  seq        bigint PRIMARY KEY CHECK (seq > 0),
  event_id   text NOT NULL UNIQUE,
  request_id text,
  hash       text NOT NULL,
  line       text NOT NULL
);
CREATE INDEX audit_log_request ON audit_log (request_id);

-- One row: the end of the chain. Every append locks it first, so appends are serialised and the chain
-- cannot fork, whichever replica commits.
CREATE TABLE audit_head (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  seq      bigint NOT NULL,
  hash     text NOT NULL,
  event_id text
);
INSERT INTO audit_head (seq, hash) VALUES (0, repeat('0', 64));

-- Notices waiting for delivery, in commit order.
CREATE TABLE notices (
  position bigserial PRIMARY KEY,
  id       text NOT NULL UNIQUE,
  body     jsonb NOT NULL
);

-- Slack message references per request, and each notice's delivery progress.
CREATE TABLE message_refs (
  request_id text PRIMARY KEY,
  refs       jsonb NOT NULL
);
CREATE TABLE notice_progress (
  notice_id text PRIMARY KEY,
  parts     jsonb NOT NULL DEFAULT '[]',
  failures  jsonb NOT NULL DEFAULT '[]'
);
CREATE TABLE post_intents (
  key text PRIMARY KEY,
  at  bigint NOT NULL
);

CREATE TABLE submissions (
  person text PRIMARY KEY,
  times  bigint[] NOT NULL
);

-- New secrets, sealed by the workflow before they get here (never in clear), until shown or expired.
CREATE TABLE secrets (
  request_id text PRIMARY KEY,
  record     jsonb NOT NULL
);

CREATE TABLE leases (
  name       text PRIMARY KEY,
  holder     text NOT NULL,
  expires_at bigint NOT NULL
);
`;
