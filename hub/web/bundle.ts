import { build } from 'esbuild';

export interface ClientBundle {
  script: string;
  /** Loaded by a browser's developer tools only, so the page's sources can be read there. */
  sourceMap: string;
}

/** Bundles the page's TypeScript (and the zod schemas it shares with the hub) in memory with esbuild. */
export async function bundleClient(entry: string): Promise<ClientBundle> {
  const result = await build({
    entryPoints: [entry],
    outfile: 'console.js',
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: ['chrome110', 'firefox115', 'safari16'],
    minify: true,
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'silent',
  });
  const script = result.outputFiles.find((f) => f.path.endsWith('.js'))?.text;
  const sourceMap = result.outputFiles.find((f) => f.path.endsWith('.js.map'))?.text;
  if (script === undefined || sourceMap === undefined) throw new Error('esbuild produced no bundle');
  return { script, sourceMap };
}
