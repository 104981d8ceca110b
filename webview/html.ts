// The dashboard's HTML page with a strict nonce-based CSP, shared by the VS Code webview and the engine's /ui.

export interface DashboardHtmlOptions {
  /** Origin allowed for scripts and styles: the webview's `cspSource`, or `'self'` in the browser. */
  readonly cspSource: string;
  /** A fresh random nonce per render (base64). */
  readonly nonce: string;
  /** URL of the bundled `main.js`. */
  readonly scriptUri: string;
  readonly mode: 'vscode' | 'browser';
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The Content-Security-Policy: no inline script or style, only the nonce'd bundle; data only from the engine. */
export function dashboardCsp(options: Pick<DashboardHtmlOptions, 'cspSource' | 'nonce' | 'mode'>): string {
  const { cspSource, nonce, mode } = options;
  // frame-ancestors is ignored in a <meta> CSP; the engine's /ui response sends X-Frame-Options instead.
  // In VS Code the webview has no network: data arrives through postMessage. In the browser the page
  // talks to its own origin ('self' also admits same-origin ws: in CSP 3).
  const connect = mode === 'browser' ? "'self'" : "'none'";
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    `connect-src ${connect}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function renderDashboardHtml(options: DashboardHtmlOptions): string {
  const csp = escapeAttribute(dashboardCsp(options));
  const nonce = escapeAttribute(options.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>spendgate</title>
<link rel="icon" href="data:,">
</head>
<body data-mode="${options.mode === 'vscode' ? 'vscode' : 'browser'}">
<div id="app" aria-live="polite"></div>
<script type="module" nonce="${nonce}" src="${escapeAttribute(options.scriptUri)}"></script>
</body>
</html>
`;
}
