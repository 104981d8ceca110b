// Decoding a request body to the string JSON.parse needs, without V8's slow path for non-ASCII UTF-8.
import { isAscii, isUtf8, transcode } from 'node:buffer';

/**
 * `buf.toString('utf8')`, faster on the bodies clients send. Node 20's UTF-8 decoder takes a per-byte slow path as
 * soon as a text has one non-ASCII byte: about 1 ms for a 90 KB Claude Code request with a few hundred of them
 * (bench/findings.md), more than JSON.parse itself. ASCII text is copied as Latin-1 (the same characters, one byte
 * each); valid UTF-8 is transcoded to UTF-16 by ICU and taken as is. Invalid UTF-8, and a Node without ICU, keep the
 * standard decoder with its replacement characters.
 */
export function decodeUtf8(buf: Buffer): string {
  if (isAscii(buf)) return buf.toString('latin1');
  if (!hasTranscode || !isUtf8(buf)) return buf.toString('utf8');
  return transcode(buf, 'utf8', 'utf16le').toString('utf16le');
}

/** `transcode` needs ICU, which Node and Electron ship; a build without it throws on first use. */
const hasTranscode = ((): boolean => {
  try {
    return transcode(Buffer.from('é'), 'utf8', 'utf16le').toString('utf16le') === 'é';
  } catch {
    return false;
  }
})();
