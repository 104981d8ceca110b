// Finds the config file (README "CLI"): --config, else $SPENDGATE_CONFIG, else bifrost.yaml upwards from cwd.
import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const CONFIG_FILE_NAME = 'bifrost.yaml';

export interface LocateOptions {
  readonly explicit?: string;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    // Absent or unreadable: keep looking further up.
    return false;
  }
}

/**
 * The absolute path of the config to use. An explicit path or $SPENDGATE_CONFIG is returned as
 * given (resolved against cwd) even if it does not exist, so the caller reports that file by name.
 */
export function locateConfig(opts: LocateOptions): string | undefined {
  const named = opts.explicit ?? (opts.env.SPENDGATE_CONFIG !== '' ? opts.env.SPENDGATE_CONFIG : undefined);
  if (named !== undefined) return resolve(opts.cwd, named);
  let dir = resolve(opts.cwd);
  for (;;) {
    const candidate = join(dir, CONFIG_FILE_NAME);
    if (isFile(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
