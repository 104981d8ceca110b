// Cutting UTF-8 bytes to a byte budget without splitting a character.
/** The longest UTF-8 text of at most `maxBytes` bytes from the start of `buf`, never ending inside a character. */
export function utf8Prefix(buf: Buffer, maxBytes: number): string {
  if (buf.length <= maxBytes) return buf.toString('utf8');
  let end = maxBytes;
  // Back off over continuation bytes (10xxxxxx) so the cut never leaves half a character (which decodes to a
  // 3-byte replacement character and would push the stored text past the limit).
  while (end > 0 && (buf[end] & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8');
}
