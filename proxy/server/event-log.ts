// JSON-lines event log to stderr (one object per line), as `spendgate serve` promises.
import type { EventLog } from '../api/services.js';

export function createEventLog(write: (line: string) => void = (line) => process.stderr.write(line)): EventLog {
  return (event) => {
    write(`${JSON.stringify({ time: new Date().toISOString(), level: 'info', ...event })}\n`);
  };
}
