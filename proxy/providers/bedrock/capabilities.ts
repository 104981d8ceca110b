// What a Bedrock model accepts (capabilities.json): validated once, looked up by the longest matching model-id prefix.
import { z } from 'zod';
import { baseModelId } from '../../core/model-id.js';
import capabilitiesJson from './capabilities.json';

export type ThinkingForm = 'enabled' | 'adaptive';
export type ToolChoiceForm = 'auto' | 'any' | 'tool';

export interface ModelCapabilities {
  /** The table row that matched (a model-id prefix; '' for the default). */
  readonly match: string;
  readonly maxOutputTokens: number;
  /** anthropic_beta values InvokeModel accepts (Bedrock names). */
  readonly betas: ReadonlySet<string>;
  readonly thinking: ReadonlySet<ThinkingForm>;
  readonly thinkingDisplay: boolean;
  readonly vision: boolean;
  readonly documents: boolean;
  readonly toolResultStatus: boolean;
  readonly promptCaching: boolean;
  readonly cacheTtl1h: boolean;
  readonly reasoning: boolean;
  readonly streamingToolUse: boolean;
  /** The Converse toolChoice forms the model takes. */
  readonly toolChoice: ReadonlySet<ToolChoiceForm>;
  readonly source: string;
  readonly asOf: string;
}

const features = {
  betas: z.array(z.string()),
  thinking: z.array(z.enum(['enabled', 'adaptive'])),
  thinking_display: z.boolean(),
  vision: z.boolean(),
  documents: z.boolean(),
  tool_result_status: z.boolean(),
  prompt_caching: z.boolean(),
  cache_ttl_1h: z.boolean(),
  reasoning: z.boolean(),
  streaming_tool_use: z.boolean(),
  tool_choice: z.array(z.enum(['auto', 'any', 'tool'])),
};

const tableSchema = z.object({
  schema: z.literal(1),
  beta_aliases: z.record(z.string(), z.string()),
  families: z.record(z.string(), z.strictObject(features)),
  models: z.array(z.strictObject({
    match: z.string(),
    family: z.string(),
    max_output_tokens: z.number().int().positive(),
    betas_extra: z.array(z.string()).optional(),
    betas_without: z.array(z.string()).optional(),
    ...z.strictObject(features).partial().omit({ betas: true }).shape,
    source: z.string().min(1),
    as_of: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  })),
});

type Table = z.infer<typeof tableSchema>;

function build(table: Table): { rows: readonly ModelCapabilities[]; aliases: ReadonlyMap<string, string> } {
  const rows = table.models.map((row): ModelCapabilities => {
    const family = table.families[row.family];
    if (family === undefined) throw new Error(`capabilities.json: model row ${row.match} names unknown family ${row.family}`);
    return {
      match: row.match,
      maxOutputTokens: row.max_output_tokens,
      betas: new Set([...family.betas, ...(row.betas_extra ?? [])].filter((b) => !(row.betas_without ?? []).includes(b))),
      thinking: new Set(row.thinking ?? family.thinking),
      thinkingDisplay: row.thinking_display ?? family.thinking_display,
      vision: row.vision ?? family.vision,
      documents: row.documents ?? family.documents,
      toolResultStatus: row.tool_result_status ?? family.tool_result_status,
      promptCaching: row.prompt_caching ?? family.prompt_caching,
      cacheTtl1h: row.cache_ttl_1h ?? family.cache_ttl_1h,
      reasoning: row.reasoning ?? family.reasoning,
      streamingToolUse: row.streaming_tool_use ?? family.streaming_tool_use,
      toolChoice: new Set(row.tool_choice ?? family.tool_choice),
      source: row.source,
      asOf: row.as_of,
    };
  });
  // Longest prefix first, so the first match is the most specific row.
  rows.sort((a, b) => b.match.length - a.match.length);
  return { rows, aliases: new Map(Object.entries(table.beta_aliases)) };
}

const table = build(tableSchema.parse(capabilitiesJson));

/** The capabilities of a Bedrock model id (bare, profile or ARN); the table's default row when nothing more specific matches. */
export function modelCapabilities(modelId: string): ModelCapabilities {
  const base = baseModelId(modelId);
  const row = table.rows.find((r) => base.startsWith(r.match));
  if (row === undefined) throw new Error('capabilities.json has no default row (match "")');
  return row;
}

/** The Bedrock name of a beta (first-party names such as advanced-tool-use map to what Bedrock calls the same feature). */
export function bedrockBetaName(beta: string): string {
  return table.aliases.get(beta) ?? beta;
}
