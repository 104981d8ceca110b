// DNS-rebinding and cross-origin defences (SECURITY.md): Host must be loopback or the configured host;
// a browser Origin must be this gateway's own.
import type { IncomingHttpHeaders } from 'node:http';

/** The gateway listens without TLS (HTTP/1.1 and h2c), so its own origin is always http. */
const GATEWAY_SCHEME = 'http:';
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

function hostnameOf(hostHeader: string): string {
  if (hostHeader.startsWith('[')) {
    const end = hostHeader.indexOf(']');
    return end === -1 ? hostHeader : hostHeader.slice(0, end + 1);
  }
  const colon = hostHeader.lastIndexOf(':');
  return colon === -1 ? hostHeader : hostHeader.slice(0, colon);
}

export class OriginPolicy {
  private readonly allowedHosts: Set<string>;

  constructor(configuredHost: string) {
    this.allowedHosts = new Set(LOOPBACK_NAMES);
    this.allowedHosts.add(configuredHost.toLowerCase());
    if (configuredHost.includes(':') && !configuredHost.startsWith('[')) this.allowedHosts.add(`[${configuredHost}]`);
  }

  /** Why the request must be refused, or null. */
  refusal(headers: IncomingHttpHeaders): string | null {
    const host = (headers[':authority'] as string | undefined) ?? headers.host;
    if (!host) return 'missing Host header';
    if (!this.allowedHosts.has(hostnameOf(host.toLowerCase()))) return `Host "${host}" is not allowed`;
    const origin = headers.origin;
    if (origin !== undefined && origin !== 'null') {
      let parsed: URL;
      try {
        parsed = new URL(origin);
      } catch {
        return `Origin "${origin}" is not allowed`;
      }
      // Scheme too: an https page on this host and port is another origin (the gateway speaks only plain http).
      if (parsed.protocol !== GATEWAY_SCHEME || !this.allowedHosts.has(parsed.hostname.toLowerCase()) || parsed.host.toLowerCase() !== host.toLowerCase()) {
        return `Origin "${origin}" is not allowed`;
      }
    } else if (origin === 'null') {
      return 'Origin "null" is not allowed';
    }
    return null;
  }

  /**
   * Whether a browser vouches that this request comes from the gateway's own origin: `Sec-Fetch-Site:
   * same-origin`, or an Origin (checked equal to ours by `refusal`, which runs first). A cookie-bearing
   * request without either came from a page on another port, or from a process that holds the cookie.
   */
  provesSameOrigin(headers: IncomingHttpHeaders): boolean {
    if (headers['sec-fetch-site'] !== undefined) return headers['sec-fetch-site'] === 'same-origin';
    return headers.origin !== undefined && this.refusal(headers) === null;
  }
}
