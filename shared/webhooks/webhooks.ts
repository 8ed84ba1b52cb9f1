import { randomUUID } from 'node:crypto';
import type { EventType } from '../events';
import { ConflictError, NotFoundError, ValidationError } from '../platform/errors';
import { webhookSecrets } from '../platform/secrets/session-passwords';
import type { Page } from '../platform/storage/pagination';
import { deliverTestEvent } from './delivery';
import { generateWebhookSecret } from './signature';
import { checkWebhookUrl, resolveWebhookAddress, WebhookUrlError } from './webhook-url';
import {
  deliveriesRepository,
  type StoredDelivery,
  type StoredWebhook,
  webhooksRepository,
} from './webhooks-store';

export type PublicWebhook = Omit<StoredWebhook, 'secret_ciphertext'>;
export type PublicDelivery = Omit<StoredDelivery, 'event'>;

export const toPublicWebhook = ({ secret_ciphertext: _secret, ...rest }: StoredWebhook): PublicWebhook =>
  rest;
const toPublicDelivery = ({ event: _event, ...rest }: StoredDelivery): PublicDelivery => rest;

/** The URL's host must resolve to addresses a webhook may reach now (it is checked again at each attempt). */
async function checkReachable(url: string): Promise<void> {
  try {
    await resolveWebhookAddress(checkWebhookUrl(url));
  } catch (err) {
    if (err instanceof WebhookUrlError) {
      throw new ValidationError('The webhook URL is refused', [{ path: 'body.url', message: err.message }]);
    }
    throw err;
  }
}

export interface WebhookInput {
  url: string;
  events: EventType[];
  secret?: string | undefined;
  description?: string | null | undefined;
}

export async function createWebhook(
  input: WebhookInput,
  actor: { email: string },
): Promise<PublicWebhook & { secret: string; secret_generated: boolean }> {
  await checkReachable(input.url);
  const id = randomUUID();
  const secret = input.secret ?? generateWebhookSecret();
  const now = new Date().toISOString();
  const webhook: StoredWebhook = {
    id,
    url: input.url,
    events: input.events,
    description: input.description ?? null,
    enabled: true,
    secret_ciphertext: await webhookSecrets().encrypt(secret, id),
    created: now,
    modified: now,
    created_by: actor.email,
    version: 1,
  };
  await webhooksRepository.create(webhook);
  return { ...toPublicWebhook(webhook), secret, secret_generated: input.secret === undefined };
}

async function stored(id: string): Promise<StoredWebhook> {
  const webhook = await webhooksRepository.get(id);
  if (!webhook) throw new NotFoundError(`No webhook ${id}`);
  return webhook;
}

export async function getWebhook(id: string): Promise<PublicWebhook> {
  return toPublicWebhook(await stored(id));
}

export async function listWebhooks(limit: number, cursor?: string): Promise<Page<PublicWebhook>> {
  const page = await webhooksRepository.list(limit, cursor);
  return { data: page.data.map(toPublicWebhook), next_cursor: page.next_cursor };
}

export interface WebhookChange {
  url?: string | undefined;
  events?: EventType[] | undefined;
  description?: string | null | undefined;
  enabled?: boolean | undefined;
  secret?: string | undefined;
  version?: number | undefined;
}

export async function updateWebhook(id: string, change: WebhookChange): Promise<PublicWebhook> {
  if (change.url !== undefined) await checkReachable(change.url);
  const current = await stored(id);
  if (change.version !== undefined && change.version !== current.version) {
    throw new ConflictError(`Webhook ${id} is at version ${current.version}, not ${change.version}`);
  }
  const next: StoredWebhook = {
    ...current,
    url: change.url ?? current.url,
    events: change.events ?? current.events,
    description: change.description === undefined ? current.description : change.description,
    enabled: change.enabled ?? current.enabled,
    secret_ciphertext:
      change.secret === undefined
        ? current.secret_ciphertext
        : await webhookSecrets().encrypt(change.secret, id),
    modified: new Date().toISOString(),
    version: current.version + 1,
  };
  if (!(await webhooksRepository.save(next, current.version))) {
    throw new ConflictError(`Webhook ${id} changed meanwhile; read it again`);
  }
  return toPublicWebhook(next);
}

export async function deleteWebhook(id: string): Promise<void> {
  if (!(await webhooksRepository.remove(id))) throw new NotFoundError(`No webhook ${id}`);
}

export async function listDeliveries(
  id: string,
  limit: number,
  cursor?: string,
): Promise<Page<PublicDelivery>> {
  await stored(id);
  const page = await deliveriesRepository.list(id, limit, cursor);
  return { data: page.data.map(toPublicDelivery), next_cursor: page.next_cursor };
}

export async function testWebhook(id: string, actor: { email: string }): Promise<PublicDelivery> {
  return toPublicDelivery(await deliverTestEvent(await stored(id), actor.email));
}
