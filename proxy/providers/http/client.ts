// The connection side of an HTTP provider: keep-alive pools and where each target's calls go.
import type { ProviderTarget } from '../types.js';
import { endpointOf, type Endpoint } from './endpoint.js';
import { UpstreamPools } from './pools.js';

export class HttpUpstreamClient {
  readonly pools = new UpstreamPools();
  private readonly endpoints = new Map<string, Endpoint>();

  /** @param defaultBaseUrl what `base_url` means when a target does not set it, as in the provider's own SDK. */
  constructor(private readonly defaultBaseUrl: string) {}

  endpoint(target: ProviderTarget): Endpoint {
    const baseUrl = target.baseUrl ?? this.defaultBaseUrl;
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
