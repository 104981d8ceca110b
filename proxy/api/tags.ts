// `x-spendgate-tags: key=value,key2=value2` — free-form attribution tags (branch, workspace, ticket…).

const TAG_KEY = /^[A-Za-z0-9_.:-]{1,64}$/;
const MAX_TAGS = 16;
const MAX_VALUE = 256;

export function parseTags(header: string | string[] | undefined): Record<string, string> {
  const text = Array.isArray(header) ? header.join(',') : header;
  const tags: Record<string, string> = {};
  if (!text) return tags;
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim().slice(0, MAX_VALUE);
    if (!TAG_KEY.test(key) || key === '__proto__' || Object.keys(tags).length >= MAX_TAGS) continue;
    tags[key] = value;
  }
  return tags;
}
