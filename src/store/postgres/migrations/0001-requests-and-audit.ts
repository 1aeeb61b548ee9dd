/**
 * The first schema: requests, the audit chain and its head, the notice outbox and work leases.
 * Requests are kept whole as JSON (the domain owns their shape, upgraded on read as the embedded store
 * does); the columns beside the body are what queries select on. An audit entry is kept as its exact
 * canonical line, so verification checks the very bytes that were hashed.
 */
export const version = 1;
export const name = 'requests and audit';
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

-- Notices waiting for delivery, in commit order; a replica claims one with a lease before posting it.
CREATE TABLE notices (
  position    bigserial PRIMARY KEY,
  id          text NOT NULL UNIQUE,
  body        jsonb NOT NULL,
  lease_owner text,
  lease_until timestamptz
);

-- Named pieces of work (a request's provider step, a sweep) held by one replica until the lease ends.
CREATE TABLE leases (
  name  text PRIMARY KEY,
  owner text NOT NULL,
  until timestamptz NOT NULL
);
`;
