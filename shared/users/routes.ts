import * as z from '../platform/zod';
import { RoleSchema } from '../platform/auth/caller';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../platform/auth/passwords';
import { route } from '../platform/http/contract';
import { EmailAddress, ListQuery, pageOf, singleLine, Timestamp, UuidParam } from '../platform/http/schemas';

export const UserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: RoleSchema,
    disabled: z.boolean(),
    created: Timestamp,
    modified: Timestamp,
  })
  .check(z.meta({ id: 'User' }));

const Password = z
  .string()
  .check(
    z.minLength(PASSWORD_MIN_LENGTH, `at least ${PASSWORD_MIN_LENGTH} characters`),
    z.maxLength(PASSWORD_MAX_LENGTH),
  );

export const loginRoute = route({
  operationId: 'login',
  method: 'POST',
  path: '/users/post_login',
  role: 'public',
  tag: 'users',
  summary: 'Log in with email and password for a bearer token',
  body: z.strictObject({
    email: z.string().check(z.minLength(1), z.maxLength(254)),
    password: z.string().check(z.minLength(1), z.maxLength(256)),
  }),
  response: z
    .object({ token: z.string(), token_type: z.literal('Bearer'), expires_at: Timestamp, user: UserSchema })
    .check(z.meta({ id: 'LoginResult' })),
  handler: 'functions/http/users/post-login.ts',
  access: { table: 'read-write', signingKey: true },
  errors: [401, 429],
});

export const meRoute = route({
  operationId: 'getMe',
  method: 'GET',
  path: '/users/me',
  role: 'viewer',
  tag: 'users',
  summary: 'The calling user',
  response: UserSchema,
  handler: 'functions/http/users/get-me.ts',
  access: { table: 'read' },
});

export const updateMeRoute = route({
  operationId: 'updateMe',
  method: 'PATCH',
  path: '/users/me',
  role: 'viewer',
  tag: 'users',
  summary: 'Change the own name or password (a new password needs the current one and ends older tokens)',
  body: z
    .strictObject({
      name: z.optional(singleLine(200).check(z.minLength(1))),
      password: z.optional(Password),
      current_password: z.optional(
        z.string().check(z.minLength(1), z.maxLength(256), z.meta({ description: 'needed with `password`' })),
      ),
    })
    .check(
      z.refine((b) => b.name !== undefined || b.password !== undefined, {
        message: 'name at least one field to change',
      }),
      z.refine((b) => b.password === undefined || b.current_password !== undefined, {
        message: 'a new password needs the current one',
        path: ['current_password'],
      }),
    ),
  response: UserSchema,
  handler: 'functions/http/users/update-me.ts',
  access: { table: 'read-write' },
  errors: [403, 409, 429],
});

export const logoutRoute = route({
  operationId: 'logout',
  method: 'POST',
  path: '/users/logout',
  role: 'viewer',
  tag: 'users',
  summary: "End the calling token (the user's other tokens go on)",
  response: z.null(),
  successStatus: 204,
  handler: 'functions/http/users/logout.ts',
  access: { table: 'read-write' },
});

export const listUsersRoute = route({
  operationId: 'listUsers',
  method: 'GET',
  path: '/users',
  role: 'admin',
  tag: 'users',
  summary: 'List users',
  query: ListQuery,
  response: pageOf(UserSchema),
  handler: 'functions/http/users/list-users.ts',
  access: { table: 'read', cursorKey: true },
});

export const createUserRoute = route({
  operationId: 'createUser',
  method: 'POST',
  path: '/users',
  role: 'admin',
  tag: 'users',
  summary: 'Create a user (people and API users alike)',
  body: z.strictObject({
    email: EmailAddress,
    password: Password,
    name: singleLine(200).check(z.minLength(1)),
    role: RoleSchema,
  }),
  response: UserSchema,
  successStatus: 201,
  handler: 'functions/http/users/create-user.ts',
  idempotent: true,
  access: { table: 'read-write' },
  errors: [409],
});

export const updateUserRoute = route({
  operationId: 'updateUser',
  method: 'PATCH',
  path: '/users/{id}',
  role: 'admin',
  tag: 'users',
  summary: 'Change a user: name, email, role, password, disabled',
  params: UuidParam,
  body: z
    .strictObject({
      email: z.optional(EmailAddress),
      password: z.optional(Password),
      name: z.optional(singleLine(200).check(z.minLength(1))),
      role: z.optional(RoleSchema),
      disabled: z.optional(z.boolean()),
    })
    .check(z.refine((b) => Object.keys(b).length > 0, { message: 'name at least one field to change' })),
  response: UserSchema,
  handler: 'functions/http/users/update-user.ts',
  access: { table: 'read-write' },
  errors: [404, 409],
});

export const deleteUserRoute = route({
  operationId: 'deleteUser',
  method: 'DELETE',
  path: '/users/{id}',
  role: 'admin',
  tag: 'users',
  summary: 'Delete a user',
  params: UuidParam,
  response: z.null(),
  successStatus: 204,
  handler: 'functions/http/users/delete-user.ts',
  access: { table: 'read-write' },
  errors: [404, 409],
});

export const usersRoutes = [
  loginRoute,
  meRoute,
  updateMeRoute,
  logoutRoute,
  listUsersRoute,
  createUserRoute,
  updateUserRoute,
  deleteUserRoute,
];
