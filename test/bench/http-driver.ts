import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http'

/**
 * The benches' HTTP client for timed requests: node:http over kept-alive sockets. `fetch` cost the
 * driver about 0.5 ms of CPU per request here, so at 8 round trips at a time it took two thirds of
 * a core from the server it was measuring, on a 2-core machine; one at a time, it added its own
 * milliseconds to every round trip it timed.
 */
const driverAgent = new Agent({ keepAlive: true, maxSockets: 64 })

export interface DriverResponse {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

export function send(
  url: string,
  options: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string } = {},
): Promise<DriverResponse> {
  const { method = 'GET', body } = options
  const headers = { ...options.headers }
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body))
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method, headers, agent: driverAgent }, (response) => {
      let text = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => (text += chunk))
      response.on('end', () =>
        resolve({ status: response.statusCode!, headers: response.headers, body: text }),
      )
      response.on('error', reject)
    })
    request.on('error', reject)
    request.end(body)
  })
}

/** Closes the kept-alive sockets, so that a bench's process can end. */
export function closeDriver(): void {
  driverAgent.destroy()
}
