// Dashboard entry: picks the data source for its host (VS Code webview or browser) and mounts the UI.
import uplotCss from 'uplot/dist/uPlot.min.css';
import dashboardCss from './dashboard.css';
import { Dashboard, renderSignedOut } from './app.js';
import type { DataSource } from './data-source.js';
import { BrowserDataSource } from './browser-source.js';
import { VsCodeDataSource } from './vscode-source.js';

/** Constructed stylesheets need no 'unsafe-inline' under the page's CSP. */
function adoptStyles(...texts: string[]): void {
  document.adoptedStyleSheets = [
    ...document.adoptedStyleSheets,
    ...texts.map((text) => {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(text);
      return sheet;
    }),
  ];
}

async function main(): Promise<void> {
  adoptStyles(uplotCss, dashboardCss);
  const root = document.getElementById('app');
  if (!root) throw new Error('dashboard root #app is missing');
  const mode = document.body.dataset.mode === 'vscode' ? 'vscode' : 'browser';
  document.body.classList.add(`host-${mode}`);
  const source: DataSource = mode === 'vscode' ? new VsCodeDataSource() : new BrowserDataSource();
  const started = await source.start();
  if (started.state === 'signed-out') return renderSignedOut(root, started.reason);
  await new Dashboard(root, source).start();
}

main().catch((err: unknown) => {
  const root = document.getElementById('app') ?? document.body;
  const p = document.createElement('p');
  p.className = 'error';
  p.textContent = `The dashboard failed to start: ${(err as Error).message}`;
  root.replaceChildren(p);
});
