/**
 * The EIM wire client: each action is a SigV4-signed `POST /` with a form body
 * (`Action=…&Version=2010-05-08&…`), sent through the shared HttpClient; answers are decoded and parsed
 * with zod, lists followed through `Marker` until `IsTruncated` is false, and error answers turned into
 * ProviderErrors carrying EIM's request id. Users and groups are addressed by name, as EIM does.
 */
import type { z } from 'zod';
import type { OutscaleSettings } from './settings.ts';
import type { Secret } from '../../domain/secret.ts';
import type { ProviderDeps } from '../deps.ts';
import { HttpClient, type HttpResponse } from '../http/http-client.ts';
import type { Answer } from '../answer.ts';
import { ProviderError } from '../../workflow/ports.ts';
import { readBody, unwrapAnswer } from './decode.ts';
import { classify, errorFor } from './errors.ts';
import {
  createdKey,
  groupMembersPage,
  groupsPage,
  keysPage,
  nothing,
  usersPage,
  type EimGroup,
  type EimKey,
  type EimKeyStatus,
  type EimUser,
} from './schemas.ts';
import { sigV4 } from './signing.ts';

const VERSION = '2010-05-08';
/** EIM's documented default page size, so no request depends on a larger maximum being accepted. */
const PAGE_SIZE = 100;

/**
 * Whether an action's reference documents `Marker`/`MaxItems`: only `ListAccessKeys` among those used here
 * (docs/providers/outscale.md). The others get no paging parameter unless an answer hands back a `Marker` to follow.
 */
type Paging = 'documented' | 'undocumented';

type Params = Record<string, string>;

export class OutscaleWireClient {
  readonly #http: HttpClient;
  readonly #provider: string;
  readonly #credentials: readonly Secret[];

  constructor(settings: OutscaleSettings, deps: ProviderDeps) {
    this.#provider = settings.id;
    this.#credentials = [settings.accessKey, settings.secretKey];
    this.#http = new HttpClient({
      provider: settings.id,
      baseUrl: settings.endpoint,
      timeoutMs: settings.timeoutMs,
      maxAttempts: settings.maxAttempts,
      log: deps.log,
      sign: sigV4(settings),
      classify,
      ...(deps.backoff ? { backoff: deps.backoff } : {}),
      ...(deps.sleep ? { sleep: deps.sleep } : {}),
    });
  }

  // ---- users and groups ---------------------------------------------------------------------------

  listUsers(): AsyncGenerator<EimUser> {
    return this.#list('ListUsers', {}, usersPage, (page) => page.Users, 'undocumented');
  }

  /** One read: proves the endpoint answers and the credentials are accepted (ListUsers takes no page size). */
  async probe(): Promise<Answer<unknown>> {
    return this.#call('ListUsers', {}, usersPage);
  }

  listGroups(): AsyncGenerator<EimGroup> {
    return this.#list('ListGroups', {}, groupsPage, (page) => page.Groups, 'undocumented');
  }

  groupsForUser(userName: string): AsyncGenerator<EimGroup> {
    return this.#list('ListGroupsForUser', { UserName: userName }, groupsPage, (page) => page.Groups, 'undocumented');
  }

  /** GetGroup's members (followed through `Marker` if an answer has one): fails with not_found when the group does not exist. */
  groupMembers(groupName: string): AsyncGenerator<EimUser> {
    return this.#list('GetGroup', { GroupName: groupName }, groupMembersPage, (page) => page.Users, 'undocumented');
  }

  /** The group itself: fails with not_found when it does not exist. */
  async getGroup(groupName: string): Promise<Answer<EimGroup>> {
    const { result, requestId } = await this.#call('GetGroup', { GroupName: groupName }, groupMembersPage);
    return { result: result.Group, requestId };
  }

  addUserToGroup(groupName: string, userName: string): Promise<Answer<unknown>> {
    return this.#call('AddUserToGroup', { GroupName: groupName, UserName: userName }, nothing);
  }

  removeUserFromGroup(groupName: string, userName: string): Promise<Answer<unknown>> {
    return this.#call('RemoveUserFromGroup', { GroupName: groupName, UserName: userName }, nothing);
  }

  // ---- access keys --------------------------------------------------------------------------------

  listAccessKeys(userName: string): AsyncGenerator<EimKey> {
    return this.#list(
      'ListAccessKeys',
      { UserName: userName },
      keysPage,
      (page) => page.AccessKeyMetadata,
      'documented',
    );
  }

  /** Not idempotent: a lost answer fails as `uncertain` instead of being sent again. */
  async createAccessKey(userName: string): Promise<Answer<z.infer<typeof createdKey>['AccessKey']>> {
    const { result, requestId } = await this.#call('CreateAccessKey', { UserName: userName }, createdKey, false);
    return { result: result.AccessKey, requestId };
  }

  updateAccessKey(userName: string, keyId: string, status: EimKeyStatus): Promise<Answer<unknown>> {
    return this.#call('UpdateAccessKey', { UserName: userName, AccessKeyId: keyId, Status: status }, nothing);
  }

  deleteAccessKey(userName: string, keyId: string): Promise<Answer<unknown>> {
    return this.#call('DeleteAccessKey', { UserName: userName, AccessKeyId: keyId }, nothing);
  }

  close(): Promise<void> {
    return this.#http.close();
  }

  // ---- transport ----------------------------------------------------------------------------------

  async #call<T extends z.ZodType>(
    action: string,
    params: Params,
    schema: T,
    idempotent = true,
  ): Promise<Answer<z.output<T>>> {
    const response = await this.#http.send({
      method: 'POST',
      path: '/',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: formEncode({ Action: action, Version: VERSION, ...params }),
      idempotent,
    });
    if (response.status < 200 || response.status >= 300)
      throw errorFor(this.#provider, action, response, (text) => this.#scrub(text));
    return this.#parse(action, response, schema);
  }

  #parse<T extends z.ZodType>(action: string, response: HttpResponse, schema: T): Answer<z.output<T>> {
    const { result, requestId } = unwrapAnswer(action, readBody(response.body));
    const parsed = schema.safeParse(result);
    if (!parsed.success) {
      // Paths and expectations only: the body may hold a secret.
      const where = parsed.error.issues
        .map((issue) => `${issue.path.join('.') || '(answer)'}: ${issue.message}`)
        .join('; ');
      throw new ProviderError(
        'unavailable',
        `${this.#provider}: Outscale EIM ${action} gave an answer that could not be read (${where})`,
      );
    }
    return { result: parsed.data, requestId };
  }

  /** Every item of a list, page by page as they are consumed. */
  async *#list<P extends { IsTruncated: boolean; Marker?: string | undefined }, T>(
    action: string,
    params: Params,
    schema: z.ZodType<P>,
    items: (page: P) => T[],
    paging: Paging,
  ): AsyncGenerator<T> {
    const pageSize: Params = paging === 'documented' ? { MaxItems: String(PAGE_SIZE) } : {};
    let marker: string | undefined;
    for (;;) {
      const { result } = await this.#call(
        action,
        { ...params, ...pageSize, ...(marker ? { Marker: marker } : {}) },
        schema,
      );
      yield* items(result);
      if (!result.IsTruncated) return;
      if (!result.Marker || result.Marker === marker) {
        throw new ProviderError(
          'unavailable',
          `${this.#provider}: Outscale EIM ${action} said more results follow but gave no new Marker`,
        );
      }
      marker = result.Marker;
    }
  }

  #scrub(text: string): string {
    return this.#credentials.reduce((out, credential) => {
      const value = credential.reveal();
      return value ? out.split(value).join('[credential]') : out;
    }, text);
  }
}

/** Form encoding with RFC 3986 escapes, as the AWS SDKs write it (`%20` for a space, `%2A` for `*`). */
function formEncode(params: Params): string {
  const encode = (text: string) =>
    encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return Object.entries(params)
    .map(([key, value]) => `${encode(key)}=${encode(value)}`)
    .join('&');
}
