// The layering of spendgate, enforced: which folder may import which (README "Architecture"). Only layering rules
// are on; how code reads is left to review.
import tseslint from 'typescript-eslint';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';

/** The engine's HTTP/WebSocket contract: the one engine module the extension and the dashboard may import. */
const WIRE = './proxy/api/wire';

const zones = [
  {
    target: ['./extension', './webview'],
    from: './proxy',
    except: ['./api/wire'],
    message: 'the extension and the dashboard reach the engine only over HTTP/WebSocket: import its wire contract (proxy/api/wire), nothing else of proxy/.',
  },
  {
    target: './proxy/providers',
    from: ['./proxy/pricing', './proxy/governance', './proxy/store', './proxy/logs'],
    message: 'providers translate and call upstreams; they know nothing of money (pricing, governance), storage or logs.',
  },
  {
    target: './proxy/store',
    from: ['./proxy/server', './proxy/api', './proxy/providers'],
    message: 'the store knows no HTTP: it must not import server/, api/ or providers/.',
  },
  {
    target: './proxy/pricing',
    from: './proxy/logs',
    message: 'pricing is pure: it must not import logs/ (the log record converts from pricing, not the other way).',
  },
  {
    target: WIRE,
    from: './proxy',
    except: ['./api/wire'],
    message: 'the wire contract imports nothing from the engine: its types are written out, and api/ converts domain values to them.',
  },
  {
    target: './proxy',
    from: ['./extension', './webview'],
    // The one exception: the engine serves the dashboard's page at GET /ui, and the page's HTML belongs to the webview.
    except: ['./html.ts'],
    message: 'the engine never imports the extension or the dashboard (only webview/html.ts, the page GET /ui serves).',
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-output/**', 'docs/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  {
    files: ['proxy/**/*.ts', 'extension/**/*.ts', 'webview/**/*.ts'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 2022, sourceType: 'module' },
    plugins: { 'import-x': importX },
    settings: {
      // Sources import each other as `./x.js`; the resolver maps that to the `.ts` file on disk.
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'], extensionAlias: { '.js': ['.ts', '.js'] } })],
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones }],
      'import-x/no-unresolved': ['error', { ignore: ['^vscode$'] }],
    },
  },
  {
    files: ['proxy/**/*.ts', 'webview/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'only extension/ runs inside VS Code; the engine and the dashboard never import vscode.' }] }],
    },
  },
);
