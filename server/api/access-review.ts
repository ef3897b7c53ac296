/**
 * The reviews `kubectl auth can-i` and `kubectl auth whoami` send: SelfSubjectAccessReview and
 * SelfSubjectRulesReview (authorization.k8s.io/v1), SelfSubjectReview (authentication.k8s.io/v1).
 * Only the admin token gets past auth.ts, and it may do everything, so every answer is yes.
 * Reviews are answered, never stored.
 */
import { Hono } from 'hono';
import { selfSubjectAccessReviewSchema, selfSubjectReviewSchema, selfSubjectRulesReviewSchema } from '../../shared/access-review.js';
import { validate } from '../../shared/validate.js';
import { readJsonObject } from './request-body.js';

/** The review resources, for discovery: cluster-scoped, create only. */
export const reviewResources = [
  { group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectAccessReview', plural: 'selfsubjectaccessreviews', singular: 'selfsubjectaccessreview' },
  { group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectRulesReview', plural: 'selfsubjectrulesreviews', singular: 'selfsubjectrulesreview' },
  { group: 'authentication.k8s.io', version: 'v1', kind: 'SelfSubjectReview', plural: 'selfsubjectreviews', singular: 'selfsubjectreview' },
];

/** Who the admin token is, as `kubectl auth whoami` prints it. */
export const adminUser = { username: 'kedge-admin', groups: ['system:masters', 'system:authenticated'] };

const allowedReason = 'kedge: the admin token may do everything';

export function accessReviewRoutes(now: () => Date = () => new Date()): Hono {
  const app = new Hono();
  const metadata = () => ({ creationTimestamp: now().toISOString().replace(/\.\d+Z$/, 'Z') });

  app.post('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', async (c) => {
    const review = validate(selfSubjectAccessReviewSchema, await readJsonObject(c), { kind: 'SelfSubjectAccessReview' });
    return c.json({ kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: metadata(), spec: review.spec, status: { allowed: true, reason: allowedReason } }, 201);
  });

  app.post('/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', async (c) => {
    const review = validate(selfSubjectRulesReviewSchema, await readJsonObject(c), { kind: 'SelfSubjectRulesReview' });
    return c.json(
      {
        kind: 'SelfSubjectRulesReview',
        apiVersion: 'authorization.k8s.io/v1',
        metadata: metadata(),
        spec: review.spec ?? {},
        status: {
          resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
          nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
          incomplete: false,
        },
      },
      201,
    );
  });

  app.post('/apis/authentication.k8s.io/v1/selfsubjectreviews', async (c) => {
    validate(selfSubjectReviewSchema, await readJsonObject(c), { kind: 'SelfSubjectReview' });
    return c.json({ kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1', metadata: metadata(), status: { userInfo: adminUser } }, 201);
  });
  return app;
}
