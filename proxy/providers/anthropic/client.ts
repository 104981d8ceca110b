// The connection to Anthropic Messages API upstreams (keep-alive pools per origin).
import { HttpUpstreamClient } from '../http/client.js';

/** What `base_url` defaults to, as in Anthropic's own SDK. */
export const ANTHROPIC_BASE_URL = 'https://api.anthropic.com';

export class AnthropicClient extends HttpUpstreamClient {
  constructor() {
    super(ANTHROPIC_BASE_URL);
  }
}
