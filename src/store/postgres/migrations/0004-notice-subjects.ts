/**
 * Each waiting notice's subject (its request's id, its review's id, or else its own id: `noticeSubject` in
 * src/domain/notice.ts), kept beside its body, so a replica looking for work lists the subjects waiting without
 * reading every notice, and reads one subject's notices through an index.
 */
export const version = 4;
export const name = 'notice subjects';
export const sql = `
ALTER TABLE notices ADD COLUMN subject text GENERATED ALWAYS AS (
  COALESCE(body -> 'request' ->> 'id', body -> 'review' ->> 'id', id)
) STORED;
CREATE INDEX notices_subject ON notices (subject, position);
`;
