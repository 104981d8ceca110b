// The loopback Bedrock's own table of the models it serves and what each one takes; kept apart from proxy/ on purpose,
// so the suite checks the gateway against an independent account of Bedrock rather than against itself.

/** What a Claude model takes in an InvokeModel (Messages API) body on Bedrock. */
export interface ClaudeInvokeTraits {
  /** The name Bedrock's model-side validator uses in its messages, e.g. `claude-sonnet-4-20250514`. */
  readonly name: string;
  readonly maxOutputTokens: number;
  /** `anthropic_beta` values this model accepts; anything else is `invalid beta flag`. */
  readonly betas: ReadonlySet<string>;
  /** `thinking: {type: "adaptive"}` (Opus 4.6 and newer only; none of the models below). */
  readonly adaptiveThinking: boolean;
  /** `thinking.display` (Opus 4.7 and newer only, per the research file). */
  readonly thinkingDisplay: boolean;
  /** `cache_control.ttl` (the 4.5 generation). */
  readonly cacheTtl: boolean;
}

/** What a model takes through Converse / ConverseStream. */
export interface ConverseTraits {
  readonly maxOutputTokens: number;
  readonly images: boolean;
  readonly documents: boolean;
  /** `toolResult.status`: only Claude and Nova (AWS ToolResultBlock reference). */
  readonly toolResultStatus: boolean;
  /** `reasoningContent` blocks in the history. */
  readonly reasoning: boolean;
  /** `cachePoint` blocks (prompt caching). */
  readonly cachePoint: boolean;
  /** ConverseStream with a `toolConfig` ("Streaming tool use" column of the AWS feature table). */
  readonly streamingToolUse: boolean;
  readonly toolChoiceAny: boolean;
  readonly toolChoiceTool: boolean;
  /**
   * Keys `additionalModelRequestFields` may carry: they are merged into the model's native request body, so a key
   * that body does not know is refused by its schema. `undefined`: not checked here.
   */
  readonly additionalFields?: ReadonlySet<string>;
}

export interface BedrockModel {
  readonly baseId: string;
  readonly claude?: ClaudeInvokeTraits;
  readonly converse: ConverseTraits;
}

// Betas Bedrock takes on Claude 4 models: AWS's list as LiteLLM keeps it
// (litellm/llms/bedrock/beta_headers_config.py, https://github.com/BerriAI/litellm/pull/19877), with the per-model
// limits it records (context management from 4.5; effort only on Opus 4.5+; tool search not on Haiku).
// Sonnet 4 takes `tool-search-tool-2025-10-19`: Claude Code's own Bedrock path sends it there (research file;
// claude-code issues 49370 and 56595 show it in the body). `fine-grained-tool-streaming-2025-05-14` is taken as
// the brief lists it; no source confirms or refutes it for Bedrock.
const CLAUDE_4_BETAS = [
  'interleaved-thinking-2025-05-14',
  'dev-full-thinking-2025-05-14',
  'fine-grained-tool-streaming-2025-05-14',
  'token-efficient-tools-2025-02-19',
] as const;

const CLAUDE_CONVERSE = {
  images: true, documents: true, toolResultStatus: true, reasoning: true, cachePoint: true,
  streamingToolUse: true, toolChoiceAny: true, toolChoiceTool: true,
} as const;

function claude(baseId: string, name: string, betas: readonly string[], cacheTtl: boolean): BedrockModel {
  const maxOutputTokens = 64_000;
  return {
    baseId,
    claude: { name, maxOutputTokens, betas: new Set([...CLAUDE_4_BETAS, ...betas]), adaptiveThinking: false, thinkingDisplay: false, cacheTtl },
    converse: { ...CLAUDE_CONVERSE, maxOutputTokens },
  };
}

// Nova: images, documents (not Micro), toolResult.status, cache points, streaming tool use, all tool choices;
// 10,000 output tokens ("The maximum tokens you requested exceeds the model limit of 10000" reported for Nova Pro).
function nova(baseId: string, multimodal: boolean): BedrockModel {
  return {
    baseId,
    converse: {
      maxOutputTokens: 10_000, images: multimodal, documents: multimodal, toolResultStatus: true, reasoning: false,
      cachePoint: true, streamingToolUse: true, toolChoiceAny: true, toolChoiceTool: true,
    },
  };
}

const MODELS: readonly BedrockModel[] = [
  // Sonnet 4: 64,000 output tokens; no effort, no context management (Claude Code sends neither beta to it).
  claude('anthropic.claude-sonnet-4-20250514-v1:0', 'claude-sonnet-4-20250514',
    ['tool-search-tool-2025-10-19', 'context-1m-2025-08-07', 'computer-use-2025-01-24'], false),
  claude('anthropic.claude-sonnet-4-5-20250929-v1:0', 'claude-sonnet-4-5-20250929',
    ['tool-search-tool-2025-10-19', 'tool-examples-2025-10-29', 'context-1m-2025-08-07', 'context-management-2025-06-27', 'computer-use-2025-01-24'], true),
  claude('anthropic.claude-haiku-4-5-20251001-v1:0', 'claude-haiku-4-5-20251001',
    ['context-management-2025-06-27', 'computer-use-2025-01-24'], true),
  claude('anthropic.claude-opus-4-5-20251101-v1:0', 'claude-opus-4-5-20251101',
    ['tool-search-tool-2025-10-19', 'tool-examples-2025-10-29', 'context-management-2025-06-27', 'effort-2025-11-24', 'computer-use-2025-11-24'], true),
  // Mistral Large 2 (24.07): text only, tools only without streaming (langchain-aws marks every Mistral model
  // "no_tools" for streaming; strands-agents issue 32 and brave-browser issue 52158 see the refusal), tool choice
  // `any` but not `tool` (AWS ToolChoice reference), 8,192 output tokens. Its native chat body knows messages,
  // tools, tool_choice, max_tokens, temperature and top_p, which Converse fills itself.
  {
    baseId: 'mistral.mistral-large-2407-v1:0',
    converse: {
      maxOutputTokens: 8_192, images: false, documents: false, toolResultStatus: false, reasoning: false,
      cachePoint: false, streamingToolUse: false, toolChoiceAny: true, toolChoiceTool: false, additionalFields: new Set(),
    },
  },
  nova('amazon.nova-pro-v1:0', true),
  nova('amazon.nova-lite-v1:0', true),
  nova('amazon.nova-micro-v1:0', false),
];

const BY_ID = new Map(MODELS.map((m) => [m.baseId, m]));

/**
 * The base model id of a bare id, a cross-region profile id (`us.`, `eu.`, `apac.`, `global.` …) or an ARN of a
 * foundation model or system-defined inference profile.
 */
export function baseModelId(modelId: string): string {
  const resource = modelId.startsWith('arn:') ? modelId.slice(modelId.lastIndexOf('/') + 1) : modelId;
  return resource.replace(/^(us|eu|apac|jp|au|ca|us-gov|global)\./, '');
}

/** The model the stand-in knows under this id, or undefined (unknown models get no validation). */
export function findModel(modelId: string): BedrockModel | undefined {
  return BY_ID.get(baseModelId(modelId));
}

/** The model an id runs: itself, or what an application inference profile of the account routes to; undefined for a profile the account lacks. */
export function applicationProfileModel(modelId: string, profiles: Readonly<Record<string, string>>): string | undefined {
  if (!/^arn:aws[a-z-]*:bedrock:[^:]+:\d{12}:application-inference-profile\/[a-z0-9]+$/.test(modelId)) return modelId;
  return profiles[modelId];
}
