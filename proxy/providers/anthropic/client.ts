// The connection to Anthropic Messages API upstreams: keep-alive pools and where each target's calls go.
import type { ProviderTarget } from '../types.js';
import { endpointOf, type Endpoint } from '../http/endpoint.js';
import { UpstreamPools } from '../http/pools.js';

/** What `base_url` defaults to, as in Anthropic's own SDK. */
export const ANTHROPIC_BASE_URL = 'https://api.anthropic.com';

export class AnthropicClient {
  readonly pools = new UpstreamPools();
  private readonly endpoints = new Map<string, Endpoint>();

  endpoint(target: ProviderTarget): Endpoint {
    const baseUrl = target.baseUrl ?? ANTHROPIC_BASE_URL;
    let endpoint = this.endpoints.get(baseUrl);
    if (endpoint === undefined) {
      endpoint = endpointOf(baseUrl);
      this.endpoints.set(baseUrl, endpoint);
    }
    return endpoint;
  }

  close(): Promise<void> {
    return this.pools.close();
  }
}
