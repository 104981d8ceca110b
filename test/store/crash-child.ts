// Commits in a loop and prints each entry's number once its commit has resolved; the parent kills it with SIGKILL.
import { openStore } from '../../proxy/store/open.js';
import { charge, logRecord } from './records.js';

async function main(): Promise<void> {
  const dataDir = process.argv[2];
  const store = await openStore({ dataDir, snapshotEveryEntries: 40 });
  process.stdout.write('ready\n');
  let n = 0;
  // Several commits in flight at once, so group commit and snapshots happen while the kill lands.
  const worker = async () => {
    for (;;) {
      const i = n++;
      await store.commit({ charges: [charge('team', 'platform', 1_000), charge('virtual_key', `vk-${i % 3}`, 1_000)], logs: [logRecord(i)] });
      process.stdout.write(`${i}\n`);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
