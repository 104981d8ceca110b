// The package version, bundled from package.json at build time so the CLI never looks for it relative to the cwd.
import { version } from '../../package.json';

export const VERSION: string = version;
