import * as z from '../zod';

export const RoleSchema = z.enum(['viewer', 'operator', 'admin']);
export type UserRole = z.infer<typeof RoleSchema>;

/** Who is calling, as the authorizer established it. */
export interface Caller {
  userId: string;
  role: UserRole;
  email: string;
  /** The bearer token's `jti` and `exp` (epoch seconds, as text): what a logout ends. */
  tokenId?: string;
  tokenExpiresAt?: string;
}

/** What the authorizer hands to API Gateway, which passes it to the route's function. */
export const AuthorizerContextSchema = z.object({
  userId: z.string().check(z.minLength(1)),
  role: RoleSchema,
  email: z.string(),
  tokenId: z.optional(z.string()),
  tokenExpiresAt: z.optional(z.string().check(z.regex(/^\d+$/))),
});
