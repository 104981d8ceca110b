// Frees a large ArrayBuffer's memory at once instead of whenever its isolate next runs a full GC.
import { MessageChannel } from 'node:worker_threads';

/**
 * Detach `buffer` and free its memory within a turn of the event loop. A buffer of tens of MB (a database image)
 * outlives scavenges once it has been promoted or handed between threads, and stays resident until a mark-compact,
 * which an isolate with a small heap (the database thread) runs seldom. Transferring it into a closed channel
 * detaches it here, and the channel drops the message with the memory it owns. `buffer` reads as empty afterwards.
 */
export function releaseArrayBuffer(buffer: ArrayBuffer): void {
  const { port1, port2 } = new MessageChannel();
  port2.close();
  port1.postMessage(null, [buffer]);
  port1.close();
}
