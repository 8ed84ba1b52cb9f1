import { createUserRoute, createUser } from '../../../shared/users';
import { defineAction } from '../../../shared/platform/http/define-action';
import { runOnce } from '../../../shared/platform/http/idempotency-runner';

export const handler = defineAction(
  createUserRoute,
  async ({ body, audit }) => {
    const user = await createUser(body);
    audit(`users/${user.id}`);
    return user;
  },
  { runOnce },
);
