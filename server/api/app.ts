import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { KedgeError } from '../../shared/errors.js';
import { accessReviewRoutes } from './access-review.js';
import { requireAdminToken } from './auth.js';
import { discoveryRoutes } from './discovery.js';
import { downloadRoutes } from './download.js';
import { joinRoutes } from './join.js';
import { joinTokenRoutes } from './join-tokens.js';
import { metricsRoutes } from './metrics.js';
import { openApiRoutes } from './openapi.js';
import { podExecRoutes } from './pod-exec.js';
import { podLogRoutes } from './pod-logs.js';
import { resourceRoutes } from './resources.js';
import { scaleRoutes } from './scale.js';
import { asKedgeError, statusResponse } from './status-response.js';
import type { ApiDeps } from './types.js';

export const maxBodyBytes = 1024 * 1024;

/** The Kubernetes-shaped HTTPS API, without a listening socket (see serve.ts). */
export function createApi(deps: ApiDeps): Hono {
  const log = deps.log ?? ((msg: string) => console.error(msg));
  const app = new Hono();

  app.onError((err, c) => statusResponse(c, asKedgeError(err, log)));
  app.notFound((c) => statusResponse(c, new KedgeError('NotFound', `the server could not find the requested resource (kedge does not serve ${c.req.method} ${c.req.path})`)));

  for (const path of ['/healthz', '/readyz', '/livez']) app.get(path, (c) => c.text('ok'));
  app.use(requireAdminToken(deps.adminToken));
  app.use(
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: () => {
        throw new KedgeError('RequestEntityTooLarge', `request body: larger than the ${maxBodyBytes / 1024 / 1024} MiB limit`);
      },
    }),
  );
  app.route('/', joinRoutes(deps));
  if (deps.joinTokens) app.route('/', joinTokenRoutes(deps.joinTokens));
  if (deps.distribution) app.route('/', downloadRoutes({ ...deps, distribution: deps.distribution }));
  app.route('/', discoveryRoutes());
  app.route('/', openApiRoutes());
  app.route('/', metricsRoutes({ connectedNodes: deps.connectedNodes }));
  app.route('/', accessReviewRoutes());
  app.route('/', scaleRoutes(deps));
  app.route('/', podLogRoutes(deps));
  app.route('/', podExecRoutes(deps));
  app.route('/', resourceRoutes(deps));
  return app;
}
