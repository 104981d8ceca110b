// Splits a provider's base URL (as its own SDK reads it) into the pool origin and the path prefix of every call.

export interface Endpoint {
  /** `scheme://host[:port]`, one keep-alive pool each. */
  readonly origin: string;
  /** The base URL's path without a trailing slash ('' or e.g. `/v1`). */
  readonly basePath: string;
}

export function endpointOf(baseUrl: string): Endpoint {
  const url = new URL(baseUrl);
  return { origin: url.origin, basePath: url.pathname.replace(/\/+$/, '') };
}

/** `basePath + path` plus the client's query string, e.g. `/v1/messages?beta=true`. */
export function upstreamPath(endpoint: Endpoint, path: string, query: string): string {
  return `${endpoint.basePath}${path}${query === '' ? '' : `?${query}`}`;
}
