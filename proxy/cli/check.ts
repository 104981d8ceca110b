// `spendgate check`: the config's own problems, plus advice that depends on the provider (Bedrock inference
// profiles) or on the environment check runs in (api_key variables that are unset).
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { LineCounter, parseDocument } from 'yaml';
import { formatProblems } from '../config/check.js';
import { loadConfigFile, loadConfigText } from '../config/load.js';
import { locateConfig } from '../config/locate.js';
import { SourcePositions } from '../config/positions.js';
import { unsetApiKeyVariable } from '../config/secrets.js';
import type { Config } from '../config/types.js';
import { inferenceProfileFor, needsInferenceProfile } from '../providers/bedrock/models.js';
import { EXIT, EXIT_CODES_HELP, UsageError, type CliCommand } from './command.js';

const SYNOPSIS = '[--config FILE]';

const HELP = `usage: spendgate check ${SYNOPSIS}

Validates a bifrost.yaml: prints one FILE:LINE:COL: message per problem (warnings marked
"warning:"), then "ok: FILE" when it is valid or "invalid: FILE (N errors)" when it is not.
Schema and cross-reference problems are reported in the same run. Provider API keys
(api_key: env.NAME) are checked against the environment check runs in.

  --config FILE   the file (default: $SPENDGATE_CONFIG, else bifrost.yaml here or in a parent)

${EXIT_CODES_HELP}
`;

/** Warnings that need more than the file: what the provider will do with a model id, and what this environment lacks. */
function adviceFor(config: Config, text: string, env: NodeJS.ProcessEnv): { line: number; col: number; message: string }[] {
  const lines = new LineCounter();
  const positions = new SourcePositions(parseDocument(text, { lineCounter: lines }), lines);
  const out: { line: number; col: number; message: string }[] = [];
  config.accounts.forEach((account, a) => {
    account.providers.forEach((p, i) => {
      const at = (key: string) => {
        const { line, col } = positions.at(['accounts', a, 'providers', i, key], 'value');
        // Point at the value itself, not at the quote around it (the column an editor selects).
        const quoted = /["']/.test(text.split('\n')[line - 1]?.[col - 1] ?? '');
        return { line, col: quoted ? col + 1 : col };
      };
      if (p.type === 'bedrock' && needsInferenceProfile(p.model)) {
        const profile = inferenceProfileFor(p.model, p.region ?? 'us-east-1');
        out.push({
          ...at('model'),
          message: `provider "${p.id}": "${p.model}" can only be called on demand through an inference profile; spendgate will retry with "${profile}" (write that id to skip the failed first call)`,
        });
      }
      const variable = unsetApiKeyVariable(p.apiKey, env);
      if (variable !== undefined) {
        out.push({
          ...at('api_key'),
          message: `provider "${p.id}": ${variable} is not set in this environment; a gateway started without it answers this provider's requests with 502 instead of calling it keyless`,
        });
      }
    });
  });
  return out;
}

/** Prints the problems of `file` and a verdict line; 0 when valid (warnings allowed), 1 when not. */
export async function runCheckCommand(file: string, out: (line: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const result = await loadConfigFile(file);
  if (!result.ok) {
    for (const line of formatProblems(file, result.problems)) out(line);
    const errors = result.problems.filter((p) => p.severity === 'error').length;
    out(`invalid: ${file} (${errors} error${errors === 1 ? '' : 's'})`);
    return EXIT.failed;
  }
  // The advice needs the parsed config; the file was just read, so a second read sees the same text
  // unless it is being edited this instant, in which case the advice is skipped rather than misplaced.
  const text = await readFile(file, 'utf8');
  const again = loadConfigText(text, file);
  const advice = again.ok ? adviceFor(again.config, text, env).map((a) => ({ severity: 'warning' as const, ...a })) : [];
  const warnings = [...result.warnings, ...advice].sort((x, y) => x.line - y.line || x.col - y.col);
  for (const line of formatProblems(file, warnings)) out(line);
  out(`ok: ${file}${warnings.length > 0 ? ` (${warnings.length} warning${warnings.length === 1 ? '' : 's'})` : ''}`);
  return EXIT.ok;
}

async function check(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { config: { type: 'string' } }, allowPositionals: true });
  if (positionals.length > 1) throw new UsageError(`expected at most one FILE, got ${positionals.length}`);
  const file = locateConfig({ explicit: values.config ?? positionals[0], env: process.env, cwd: process.cwd() });
  if (!file) throw new UsageError('no config found: pass --config FILE, set SPENDGATE_CONFIG, or run it where bifrost.yaml is');
  return runCheckCommand(file, (line) => process.stdout.write(`${line}\n`));
}

export const checkCommand: CliCommand = { name: 'check', synopsis: SYNOPSIS, help: HELP, run: check };
