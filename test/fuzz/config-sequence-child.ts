// Child process of config-loader.test.ts: loads each text of a JSON array file in turn, in one process, and prints
// `ok` or `refused` per text. Some failures (V8 aborting on a stack overflow inside regexp compilation) kill the
// process outright, so they can only be observed from outside.
import { readFileSync, writeSync } from 'node:fs';
import { loadConfigText } from '../../proxy/config/load.js';

const texts = JSON.parse(readFileSync(process.argv[2], 'utf8')) as string[];
for (const text of texts) writeSync(1, `${loadConfigText(text, '/fuzz/bifrost.yaml').ok ? 'ok' : 'refused'}\n`);
