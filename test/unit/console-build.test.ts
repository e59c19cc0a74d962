import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildConsole, consoleStaleness, ensureConsoleBuilt, firstLoadGzipBytes, PROJECT_ROOT } from '../../bin/console/build';

// A small app in a folder under the project (so `preact` resolves from its node_modules).
let root: string;
const TEMPLATE = '<!doctype html>\n<html lang="en">\n  <head>\n    <title>t</title>\n  </head>\n  <body><div id="app"></div></body>\n</html>\n';
const write = (rel: string, text: string) => {
  mkdirSync(join(root, rel, '..'), { recursive: true });
  writeFileSync(join(root, rel), text);
};

beforeEach(() => {
  mkdirSync(join(PROJECT_ROOT, '.test-data'), { recursive: true });
  root = mkdtempSync(join(PROJECT_ROOT, '.test-data', 'console-build-'));
  write('console/index.html', TEMPLATE);
  write('console/src/styles.css', 'body { color: #123456; }\n');
  write('console/src/lazy.tsx', 'export const Lazy = () => <p>lazy page</p>;\n');
  write(
    'console/src/main.tsx',
    "import { render } from 'preact';\nimport './styles.css';\nconst unused = () => 'tree-shaken-away';\nrender(<button onClick={() => import('./lazy')}>go</button>, document.body);\n",
  );
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('the console build', () => {
  it('injects the hashed stylesheet and entry script into the template, minified and tree-shaken', async () => {
    const m = await buildConsole({ root });
    const out = join(root, 'dist', 'console');
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(m.entry).toMatch(/^\/assets\/main-[A-Z0-9]+\.js$/);
    expect(m.css).toEqual([expect.stringMatching(/^\/assets\/main-[A-Z0-9]+\.css$/)]);
    const preloads = m.initial.filter((f) => f !== m.entry && f.endsWith('.js'));
    expect(html).toContain(
      [`    <link rel="stylesheet" href="${m.css[0]}">`, ...preloads.map((f) => `    <link rel="modulepreload" href="${f}">`), `    <script type="module" src="${m.entry}"></script>`, '  </head>'].join('\n'),
    );
    const js = readFileSync(join(out, m.entry), 'utf8');
    expect(js).not.toContain('tree-shaken-away');
    expect(js.split('\n').length).toBeLessThan(5);
    expect(m.inputs).toEqual(expect.arrayContaining(['console/index.html', 'console/src/main.tsx', 'console/src/styles.css', 'console/src/lazy.tsx']));
  });

  it('counts only what the first visit loads: a lazily imported page is a chunk of its own', async () => {
    const m = await buildConsole({ root });
    const out = join(root, 'dist', 'console');
    const lazy = Object.keys(m.files).filter((f) => f.endsWith('.js') && readFileSync(join(out, f), 'utf8').includes('lazy page'));
    expect(lazy).toHaveLength(1);
    expect(m.initial).not.toContain(lazy[0]);
    // The entry and the chunk it shares with the lazy page (Preact) load at once; the page does not.
    expect(m.initial[0]).toBe(m.entry);
    expect(m.initial.at(-1)).toBe(m.css[0]);
    const first = firstLoadGzipBytes(m);
    const js = m.initial.filter((f) => f.endsWith('.js')).reduce((n, f) => n + m.files[f].gzip_bytes, 0);
    expect(first).toEqual({ js, css: m.files[m.css[0]].gzip_bytes });
    expect(js).toBeLessThan(Object.values(m.files).reduce((n, f) => n + f.gzip_bytes, 0));
  });

  it('rebuilds only when the output is missing or an input changed', async () => {
    expect(consoleStaleness({ root })).toBe('no build output');
    expect((await ensureConsoleBuilt({ root })).built).toBe(true);
    expect(consoleStaleness({ root })).toBeNull();
    expect((await ensureConsoleBuilt({ root })).built).toBe(false);
    // Touching a file without changing it is not a change (content hashes, not mtimes).
    utimesSync(join(root, 'console/src/lazy.tsx'), new Date(), new Date(Date.now() + 60_000));
    expect(consoleStaleness({ root })).toBeNull();
    write('console/src/lazy.tsx', 'export const Lazy = () => <p>changed</p>;\n');
    expect(consoleStaleness({ root })).toBe('sources changed');
    write('console/index.html', TEMPLATE.replace('<title>t</title>', '<title>u</title>'));
    expect((await ensureConsoleBuilt({ root })).built).toBe(true);
    rmSync(join(root, 'console/src/lazy.tsx'));
    expect(consoleStaleness({ root })).toBe('an input file was removed');
  });

  it('refuses a template with inline scripts or styles, which the Content-Security-Policy would block', async () => {
    write('console/index.html', TEMPLATE.replace('</head>', '<script>alert(1)</script></head>'));
    await expect(buildConsole({ root })).rejects.toThrow(/inline <script>/);
    write('console/index.html', TEMPLATE.replace('<body>', '<body style="margin:0">'));
    await expect(buildConsole({ root })).rejects.toThrow(/inline styles/);
    write('console/index.html', TEMPLATE.replace('</head>', '<script type="module" src="/x.js"></script></head>'));
    await expect(buildConsole({ root })).rejects.toThrow(/must not load scripts/);
  });
});
