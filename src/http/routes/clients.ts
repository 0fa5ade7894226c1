import { OpenAPIHono } from '@hono/zod-openapi'
import {
  getClient,
  listClients,
  registerClient,
  removeClient,
  rotateClientSecret,
} from '../../services/clients.ts'
import type { AppEnv } from '../env.ts'
import { bearerRoute, jsonBody, jsonResponse, problems } from '../openapi.ts'
import { requestMeta } from '../request-meta.ts'
import {
  Client,
  ClientCreated,
  ClientIdParam,
  ClientList,
  ClientSecretIssued,
  CreateClientBody,
} from '../schemas.ts'

// The tenant's apps (OpenID Connect clients), for its global admins. Secrets appear only in the
// answer that issues them (the API's answers are all no-store).

const createClientRoute = bearerRoute({
  method: 'post',
  path: '/clients',
  tags: ['apps'],
  summary: 'Register an app; a web app gets its secret in this answer only',
  request: jsonBody(CreateClientBody),
  responses: { 201: jsonResponse(ClientCreated, 'Registered') },
})

const listClientsRoute = bearerRoute({
  method: 'get',
  path: '/clients',
  tags: ['apps'],
  summary: "The tenant's apps, newest first (never a secret)",
  responses: { 200: jsonResponse(ClientList, 'The apps') },
})

const getClientRoute = bearerRoute({
  method: 'get',
  path: '/clients/{clientId}',
  tags: ['apps'],
  summary: 'One app of the tenant',
  request: { params: ClientIdParam },
  responses: { 200: jsonResponse(Client, 'The app'), ...problems(404) },
})

const removeClientRoute = bearerRoute({
  method: 'delete',
  path: '/clients/{clientId}',
  tags: ['apps'],
  summary: 'Remove an app: it gets no more tokens, and every grant it holds ends now',
  request: { params: ClientIdParam },
  responses: { 204: { description: 'Removed' }, ...problems(404) },
})

const rotateSecretRoute = bearerRoute({
  method: 'post',
  path: '/clients/{clientId}/secret',
  tags: ['apps'],
  summary: 'A new secret for a web app, in this answer only; the old one stops at once',
  request: { params: ClientIdParam },
  responses: {
    201: jsonResponse(ClientSecretIssued, 'The new secret'),
    ...problems(404, 409),
  },
})

export function clientRoutes() {
  const app = new OpenAPIHono<AppEnv>()

  app.openapi(createClientRoute, async (c) =>
    c.json(
      await registerClient(c.get('deps'), c.get('actor'), c.req.valid('json'), requestMeta(c)),
      201,
    ),
  )
  app.openapi(listClientsRoute, async (c) =>
    c.json({ items: await listClients(c.get('deps'), c.get('actor'), requestMeta(c)) }, 200),
  )
  app.openapi(getClientRoute, async (c) => {
    const { clientId } = c.req.valid('param')
    return c.json(await getClient(c.get('deps'), c.get('actor'), clientId, requestMeta(c)), 200)
  })
  app.openapi(removeClientRoute, async (c) => {
    const { clientId } = c.req.valid('param')
    await removeClient(c.get('deps'), c.get('actor'), clientId, requestMeta(c))
    return c.body(null, 204)
  })
  app.openapi(rotateSecretRoute, async (c) => {
    const { clientId } = c.req.valid('param')
    return c.json(
      await rotateClientSecret(c.get('deps'), c.get('actor'), clientId, requestMeta(c)),
      201,
    )
  })
  return app
}
