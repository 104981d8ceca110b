// The connection to OpenAI upstreams (Chat Completions and Responses) (keep-alive pools per origin).
import { HttpUpstreamClient } from '../http/client.js';

/** What `base_url` defaults to, as in OpenAI's own SDK (it includes `/v1`). */
export const OPENAI_BASE_URL = 'https://api.openai.com/v1';

export class OpenAIClient extends HttpUpstreamClient {
  constructor() {
    super(OPENAI_BASE_URL);
  }
}
