// A spawned gateway in front of loopback Anthropic and OpenAI upstreams: the setup most end-to-end suites share.
import { startAnthropicUpstream } from '../upstreams/anthropic.js';
import { startOpenAIUpstream } from '../upstreams/openai.js';
import type { TestUpstream } from '../upstreams/common.js';
import { spawnGateway, type SpawnedGateway } from './gateway.js';

export interface LoopbackGateway {
  readonly anthropicUp: TestUpstream;
  readonly openaiUp: TestUpstream;
  readonly gw: SpawnedGateway;
  /** SIGTERM the gateway, close both upstreams; resolves to the gateway's exit code. */
  close(): Promise<number | null>;
}

/** `configFor` receives the two upstream URLs; `env` carries the provider keys the config reads. */
export async function startLoopbackGateway(
  configFor: (anthropicUrl: string, openaiUrl: string) => string,
  env: Readonly<Record<string, string>>,
): Promise<LoopbackGateway> {
  const anthropicUp = await startAnthropicUpstream();
  const openaiUp = await startOpenAIUpstream();
  const gw = await spawnGateway({ config: configFor(anthropicUp.url, openaiUp.url), env });
  return {
    anthropicUp,
    openaiUp,
    gw,
    async close() {
      const code = await gw.stop();
      await anthropicUp.close();
      await openaiUp.close();
      return code;
    },
  };
}
