// The `virtual_key` label of /metrics: the key id, or a salted pseudonym when the id is itself the key's secret.
import { createHmac } from 'node:crypto';

/** Maps a virtual key id to the value /metrics may print for it. */
export type KeyLabeller = (id: string) => string;

/** Labels every key by its id: for records without keys and for tests. */
export const idLabels: KeyLabeller = (id) => id;

/**
 * /metrics is open on loopback (Prometheus scrapes it without a token), so it must never print a credential.
 * A key whose secret is its own id gets `key-<8 hex>`: an HMAC of the id under a per-install salt (the admin
 * token), stable across restarts so dashboards keep their series, and not reversible by guessing ids without the
 * salt. `GET /api/config` (admin token) shows each key's label, so a user can still tell which key a series is.
 */
export function keyLabeller(presentsOwnId: (id: string) => boolean, salt: string): KeyLabeller {
  // Every record is labelled, and an HMAC per record cost more than the rest of its metrics together; a pseudonym
  // depends only on the id and the salt, so each is computed once. Whether an id needs one is still asked each time
  // (a reload can change a key's secret).
  const pseudonyms = new Map<string, string>();
  return (id) => {
    if (id === '' || !presentsOwnId(id)) return id;
    let label = pseudonyms.get(id);
    if (label === undefined) {
      // Ids come from the config, so this stays small; the bound only guards against a config reloaded forever.
      if (pseudonyms.size >= MAX_CACHED_PSEUDONYMS) pseudonyms.clear();
      pseudonyms.set(id, (label = pseudonym(id, salt)));
    }
    return label;
  };
}

const MAX_CACHED_PSEUDONYMS = 10_000;

function pseudonym(id: string, salt: string): string {
  return `key-${createHmac('sha256', salt).update(`spendgate metrics label\0${id}`).digest('hex').slice(0, 8)}`;
}
