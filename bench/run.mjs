// `npm run bench` entry (after the build): the overhead/throughput bench, or `-- --scale` for the scale checks.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const scale = args.includes('--scale');
const script = join(here, scale ? 'scale.ts' : 'main.ts');
const child = spawn(process.execPath, ['--import', 'tsx', script, ...args.filter((a) => a !== '--scale')], { stdio: 'inherit', cwd: join(here, '..') });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
