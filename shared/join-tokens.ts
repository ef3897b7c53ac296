import { z } from 'zod';

/** POST /kedge/v1/tokens: a new join token. */
export const createJoinTokenSchema = z.object({
  /** Lifetime in seconds; absent: the token never expires. */
  ttlSeconds: z.number().int().min(1).max(10 * 365 * 24 * 3600).optional(),
  description: z.string().max(256).optional(),
});
export type CreateJoinToken = z.infer<typeof createJoinTokenSchema>;

/** A join token as listed: never its secret. The bootstrap token (<data-dir>/token) has id "bootstrap". */
export const joinTokenInfoSchema = z.object({
  id: z.string(),
  description: z.string(),
  createdAt: z.string().optional(),
  expiresAt: z.string().optional(),
  expired: z.boolean(),
});
export type JoinTokenInfo = z.infer<typeof joinTokenInfoSchema>;

export const joinTokenListSchema = z.object({ items: z.array(joinTokenInfoSchema) });

/** Answer to create and rotate: the only time the full token is shown. */
export const newJoinTokenSchema = joinTokenInfoSchema.extend({ token: z.string() });
export type NewJoinToken = z.infer<typeof newJoinTokenSchema>;

export const joinTokensPath = '/kedge/v1/tokens';
