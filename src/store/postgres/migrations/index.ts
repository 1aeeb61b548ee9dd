/** Every schema version, oldest first. A release only ever adds a file here; applied ones never change. */
import * as m0001 from './0001-initial.ts';
import * as m0002 from './0002-allowance-uses.ts';
import * as m0003 from './0003-reviews.ts';
import * as m0004 from './0004-notice-subjects.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [m0001, m0002, m0003, m0004];
