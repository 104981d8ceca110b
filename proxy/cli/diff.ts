// `spendgate diff REV1 [REV2]`: preview what a committed (or working-tree) edit of the config would do.
import { execFile } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { formatProblems } from '../config/check.js';
import { loadConfigText } from '../config/load.js';
import { locateConfig } from '../config/locate.js';
import type { Config } from '../config/types.js';
import { formatPolicyChanges, previewPolicyChange } from '../insights/policy-diff.js';
import type { TierSpend } from '../insights/policy-change.js';
import { dollarsToMicros } from '../pricing/money.js';
import type { BudgetTierJson, PolicyPreviewJson } from '../api/wire/index.js';
import { connect } from './client.js';
import { EXIT, EXIT_CODES_HELP, type CliCommand } from './command.js';

const run = promisify(execFile);

export interface DiffDeps {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** The current budget snapshot; by default asked of the running gateway. Undefined when there is none. */
  readonly spend?: () => Promise<readonly TierSpend[] | undefined>;
}

const SYNOPSIS = 'REV1 [REV2] [--config FILE] [--port N] [--host H] [--data-dir DIR] [--json]';
const USAGE = `usage: spendgate diff ${SYNOPSIS}`;

const HELP = `${USAGE}

What a change to bifrost.yaml between git revisions does given the running gateway's current spend:
REV1's config against REV2's (the working tree when REV2 is omitted). Without a running gateway the
consequences are shown without current spend.

  --config FILE   the config in the repository (default: $SPENDGATE_CONFIG, else bifrost.yaml here or in a parent)
  --port N, --host H, --data-dir DIR   where the running gateway and its admin token are
  --json          the changes as JSON

${EXIT_CODES_HELP}
`;

class DiffFailure extends Error {}

async function git(args: readonly string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await run('git', [...args], { cwd, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new DiffFailure(`git ${args.join(' ')}: ${stderr || (err as Error).message}`);
  }
}

/** The config at a revision: `git show REV:path`, path relative to the repository root. */
async function configAt(rev: string, root: string, path: string): Promise<string> {
  return git(['show', `${rev}:${path.split(sep).join('/')}`], root);
}

type Loaded = { ok: true; config: Config } | { ok: false };

function load(text: string, file: string, label: string, out: (line: string) => void): Loaded {
  const result = loadConfigText(text, file);
  if (result.ok) return { ok: true, config: result.config };
  // Why the revision cannot be compared; its warnings (shown by `spendgate check`) would only bury that.
  for (const line of formatProblems(label, result.problems.filter((p) => p.severity !== 'warning'))) out(line);
  return { ok: false };
}

/** A row of GET /api/budgets back in the engine's units. */
function tierSpendFromJson(t: BudgetTierJson): TierSpend {
  return { tier: t.tier, id: t.id, spentMicros: dollarsToMicros(t.spent), limitMicros: dollarsToMicros(t.limit), resetsAt: Date.parse(t.resets_at) };
}

async function gatewaySpend(flags: { port?: string; host?: string; 'data-dir'?: string }): Promise<readonly TierSpend[] | undefined> {
  try {
    const client = await connect(flags);
    return (await client.get('/api/budgets')).tiers.map(tierSpendFromJson);
  } catch {
    // No gateway (or no token): the preview is still useful without current spend, and says so.
    return undefined;
  }
}

/**
 * Prints every change from the config at REV1 to the config at REV2 (the working tree when omitted),
 * with consequences given the running gateway's current spend. Exit 0 after printing; 1 when either
 * revision's config is invalid (its problems printed as `REV:PATH:LINE:COL: message`); 2 on usage or
 * git errors.
 */
export async function runDiff(argv: string[], out: (line: string) => void, deps: DiffDeps = {}): Promise<number> {
  const cwd = deps.cwd ?? process.cwd();
  const env = deps.env ?? process.env;
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { config: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, 'data-dir': { type: 'string' }, json: { type: 'boolean' } },
      allowPositionals: true,
    });
  } catch (err) {
    out(`spendgate diff: ${(err as Error).message}`);
    out(USAGE);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  const [rev1, rev2] = positionals;
  if (rev1 === undefined || positionals.length > 2) {
    out(USAGE);
    return EXIT.usage;
  }
  const file = locateConfig({ explicit: values.config, env, cwd });
  if (file === undefined) {
    out('spendgate diff: no config found (pass --config FILE)');
    return EXIT.usage;
  }
  try {
    const root = realpathSync((await git(['rev-parse', '--show-toplevel'], dirname(file))).trim());
    const path = relative(root, realpathSync(file));
    const oldText = await configAt(rev1, root, path);
    const newText = rev2 === undefined ? await readFile(file, 'utf8') : await configAt(rev2, root, path);
    const before = load(oldText, file, `${rev1}:${path}`, out);
    const after = load(newText, file, rev2 === undefined ? path : `${rev2}:${path}`, out);
    if (!before.ok || !after.ok) return EXIT.failed;

    const spend = await (deps.spend ?? (() => gatewaySpend(values)))();
    const changes = previewPolicyChange(before.config, after.config, spend);
    if (values.json) {
      const preview: PolicyPreviewJson = { from: rev1, to: rev2 ?? 'working tree', config: path, current_spend: spend !== undefined, changes };
      out(JSON.stringify(preview, null, 2));
      return EXIT.ok;
    }
    out(`policy changes in ${path}: ${rev1} → ${rev2 ?? 'working tree'}`);
    if (spend === undefined) out('no running gateway: consequences shown without current spend');
    const lines = formatPolicyChanges(changes);
    if (lines.length === 0) out('no changes to budgets, routing, rate limits or keys');
    for (const line of lines) out(line);
    return EXIT.ok;
  } catch (err) {
    if (!(err instanceof DiffFailure) && (err as NodeJS.ErrnoException).code === undefined) throw err;
    out(`spendgate diff: ${(err as Error).message}`);
    return EXIT.usage;
  }
}

export const diffCommand: CliCommand = {
  name: 'diff',
  synopsis: SYNOPSIS,
  help: HELP,
  run: (argv) => runDiff(argv, (line) => process.stdout.write(`${line}\n`)),
};
