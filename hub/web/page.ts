import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { bundleClient } from './bundle.js';

export interface Asset {
  body: Buffer;
  /** The same body gzip-compressed: the bundle carries zod, and shrinks to about a fifth. */
  gzipped: Buffer;
  contentType: string;
}

/** The console page's files by URL path. */
export type ConsolePage = ReadonlyMap<string, Asset>;

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

async function entryPoint(): Promise<string> {
  // Under tsx the sources are here; a tsc build (dist/) has the compiled main.js next to this file.
  for (const name of ['main.ts', 'main.js']) {
    const path = join(here, 'client', name);
    if (
      await readFile(path).then(
        () => true,
        () => false,
      )
    )
      return path;
  }
  throw new Error(`the console page's client code is not in ${join(here, 'client')}`);
}

async function webFile(name: string): Promise<Buffer> {
  // index.html and console.css are not compiled; a dist/ build finds them in the source tree.
  for (const dir of [here, join(here, '..', '..', '..', 'hub', 'web')]) {
    try {
      return await readFile(join(dir, name));
    } catch {
      continue;
    }
  }
  throw new Error(`the console page's ${name} is not in ${here}`);
}

/** Builds the page once: bundles the client and reads the static files, uPlot's from node_modules. */
export async function loadConsolePage(): Promise<ConsolePage> {
  const uplot = dirname(require.resolve('uplot/dist/uPlot.iife.min.js'));
  const [bundle, html, css, uplotJs, uplotCss] = await Promise.all([
    entryPoint().then(bundleClient),
    webFile('index.html'),
    webFile('console.css'),
    readFile(join(uplot, 'uPlot.iife.min.js')),
    readFile(join(uplot, 'uPlot.min.css')),
  ]);
  const js = 'text/javascript; charset=utf-8';
  const stylesheet = 'text/css; charset=utf-8';
  const files: [path: string, body: Buffer, contentType: string][] = [
    ['/', html, 'text/html; charset=utf-8'],
    ['/console.js', Buffer.from(bundle.script), js],
    ['/console.js.map', Buffer.from(bundle.sourceMap), 'application/json; charset=utf-8'],
    ['/console.css', css, stylesheet],
    ['/vendor/uPlot.iife.min.js', uplotJs, js],
    ['/vendor/uPlot.min.css', uplotCss, stylesheet],
  ];
  return new Map(
    files.map(([path, body, contentType]) => [path, { body, gzipped: gzipSync(body), contentType }]),
  );
}
