import { escapeXml } from './xml-tree';

/**
 * The bodies of the NETCONF operations peerflow sends (RFC 6241 section 7 and 8.3-8.4), as text to
 * pass to `NetconfSession.rpc`. Every value from outside is escaped; `config` and subtree filters
 * are XML the caller built (and escaped) itself.
 */

export type Datastore = 'running' | 'candidate' | 'startup';

export const CAP_CANDIDATE = 'urn:ietf:params:netconf:capability:candidate:1.0';
export const CAP_CONFIRMED_COMMIT = 'urn:ietf:params:netconf:capability:confirmed-commit:1.0';
export const CAP_CONFIRMED_COMMIT_11 = 'urn:ietf:params:netconf:capability:confirmed-commit:1.1';
export const CAP_VALIDATE = 'urn:ietf:params:netconf:capability:validate:1.0';
export const CAP_VALIDATE_11 = 'urn:ietf:params:netconf:capability:validate:1.1';

export type Filter = { readonly subtree: string } | { readonly xpath: string };

const datastore = (d: Datastore) => `<${d}/>`;

function filterXml(filter: Filter | undefined): string {
  if (filter === undefined) return '';
  if ('subtree' in filter) return `<filter type="subtree">${filter.subtree}</filter>`;
  return `<filter type="xpath" select="${escapeXml(filter.xpath)}"/>`;
}

export const lock = (target: Datastore) => `<lock><target>${datastore(target)}</target></lock>`;
export const unlock = (target: Datastore) => `<unlock><target>${datastore(target)}</target></unlock>`;
export const discardChanges = () => '<discard-changes/>';
export const validate = (source: Datastore) => `<validate><source>${datastore(source)}</source></validate>`;
export const closeSession = () => '<close-session/>';

export function editConfig(
  target: Datastore,
  config: string,
  options: {
    defaultOperation?: 'merge' | 'replace' | 'none';
    testOption?: 'test-then-set' | 'set' | 'test-only';
    errorOption?: 'stop-on-error' | 'continue-on-error' | 'rollback-on-error';
  } = {},
): string {
  return (
    `<edit-config><target>${datastore(target)}</target>` +
    (options.defaultOperation ? `<default-operation>${options.defaultOperation}</default-operation>` : '') +
    (options.testOption ? `<test-option>${options.testOption}</test-option>` : '') +
    (options.errorOption ? `<error-option>${options.errorOption}</error-option>` : '') +
    `<config>${config}</config></edit-config>`
  );
}

/**
 * `<commit>`. A confirmed commit reverts by itself after `timeoutSeconds` unless confirmed; with
 * `persist` (confirmed-commit:1.1) it outlives the session that made it, and a later session
 * confirms or cancels it by giving the same token as `persistId`.
 */
export function commit(
  options: { confirmed?: boolean; timeoutSeconds?: number; persist?: string; persistId?: string } = {},
): string {
  const parts: string[] = [];
  if (options.confirmed) {
    parts.push('<confirmed/>');
    if (options.timeoutSeconds !== undefined) {
      parts.push(`<confirm-timeout>${Math.max(1, Math.ceil(options.timeoutSeconds))}</confirm-timeout>`);
    }
    if (options.persist !== undefined) parts.push(`<persist>${escapeXml(options.persist)}</persist>`);
  }
  if (options.persistId !== undefined) parts.push(`<persist-id>${escapeXml(options.persistId)}</persist-id>`);
  return parts.length === 0 ? '<commit/>' : `<commit>${parts.join('')}</commit>`;
}

/** `<cancel-commit>` (confirmed-commit:1.1): reverts a confirmed commit that is not confirmed yet. */
export const cancelCommit = (persistId?: string) =>
  persistId === undefined
    ? '<cancel-commit/>'
    : `<cancel-commit><persist-id>${escapeXml(persistId)}</persist-id></cancel-commit>`;

export const get = (filter?: Filter) => `<get>${filterXml(filter)}</get>`;
export const getConfig = (source: Datastore, filter?: Filter) =>
  `<get-config><source>${datastore(source)}</source>${filterXml(filter)}</get-config>`;
