// `spendgate check`: the config's own problems, plus provider-specific advice (Bedrock inference profiles).
import { readFile } from 'node:fs/promises';
import { runCheck } from '../config/check.js';
import { loadConfigText } from '../config/load.js';
import { inferenceProfileFor, needsInferenceProfile } from '../providers/bedrock/models.js';

/** 1-based line and column of the first `model: <id>` naming this id, for a FILE:LINE:COL warning. */
function positionOf(text: string, modelId: string): { line: number; col: number } {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const col = lines[i].indexOf(modelId);
    if (col !== -1 && /^\s*-?\s*model\s*:/.test(lines[i])) return { line: i + 1, col: col + 1 };
  }
  return { line: 1, col: 1 };
}

export async function runCheckCommand(file: string, out: (line: string) => void): Promise<number> {
  const code = await runCheck(file, out);
  if (code !== 0) return code;
  const text = await readFile(file, 'utf8');
  const result = loadConfigText(text, file);
  if (!result.ok) return code;
  for (const account of result.config.accounts) {
    for (const p of account.providers) {
      if (p.type !== 'bedrock' || !needsInferenceProfile(p.model)) continue;
      const { line, col } = positionOf(text, p.model);
      const profile = inferenceProfileFor(p.model, p.region ?? 'us-east-1');
      out(`${file}:${line}:${col}: warning: provider "${p.id}": "${p.model}" can only be called on demand through an inference profile; spendgate will retry with "${profile}" (write that id to skip the failed first call)`);
    }
  }
  return code;
}
