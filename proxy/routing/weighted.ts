// Weighted random choice; the RNG is injected so tests can seed it.

export type Rng = () => number;

/** Pick one item with probability proportional to its weight. Items with weight ≤ 0 are never picked. */
export function pickWeighted<T extends { readonly weight: number }>(items: readonly T[], rng: Rng): T | undefined {
  let total = 0;
  for (const item of items) if (item.weight > 0) total += item.weight;
  if (total <= 0) return undefined;
  let r = rng() * total;
  for (const item of items) {
    if (item.weight <= 0) continue;
    r -= item.weight;
    if (r < 0) return item;
  }
  // Floating-point remainder: the last positive-weight item.
  for (let i = items.length - 1; i >= 0; i--) if (items[i].weight > 0) return items[i];
  return undefined;
}

/** A small seeded PRNG (mulberry32) for reproducible tests and benchmarks. */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
