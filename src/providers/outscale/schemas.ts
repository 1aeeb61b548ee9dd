/** The EIM answers the bot reads, as zod schemas over decoded XML or JSON (see decode.ts). */
import { z } from 'zod';
import { listOf, paging } from './decode.ts';

const user = z.object({ UserName: z.string().min(1), UserId: z.string().min(1) });
const group = z.object({ GroupName: z.string().min(1), GroupId: z.string().min(1) });
const keyStatus = z.enum(['Active', 'Inactive']);
const keyMetadata = z.object({ AccessKeyId: z.string().min(1), Status: keyStatus, CreateDate: z.string().optional() });

export type EimUser = z.infer<typeof user>;
export type EimGroup = z.infer<typeof group>;
export type EimKey = z.infer<typeof keyMetadata>;
export type EimKeyStatus = z.infer<typeof keyStatus>;

export const usersPage = z.object({ Users: listOf(user), ...paging });
export const groupsPage = z.object({ Groups: listOf(group), ...paging });
/** GetGroup: the group and one page of its members. */
export const groupMembersPage = z.object({ Group: group, Users: listOf(user), ...paging });
export const keysPage = z.object({ AccessKeyMetadata: listOf(keyMetadata), ...paging });
/** The only answer that carries a secret. */
export const createdKey = z.object({ AccessKey: keyMetadata.extend({ SecretAccessKey: z.string().min(1) }) });
/** Actions that answer nothing but a request id. */
export const nothing = z.unknown();
