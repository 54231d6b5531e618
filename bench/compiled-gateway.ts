import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Cleanup } from './cleanup.js';

const run = promisify(execFile);

/**
 * Compiles the production tree as the image does (`tsconfig.build.json`) into a folder of its own
 * under `.data/` (inside the project, so that its imports resolve against node_modules), and
 * returns the gateway's compiled entry. A scenario that restarts workers then measures the start-up
 * operators get, not tsx's on-the-fly compilation of every module in every worker.
 */
export async function compiledGatewayEntry(tag: string, cleanup: Cleanup): Promise<string> {
  const outDir = join('.data', `bench-build-${tag}`);
  cleanup.add('compiled gateway', () => rm(outDir, { recursive: true, force: true }));
  await run(process.execPath, [
    'node_modules/typescript/bin/tsc',
    '-p',
    'tsconfig.build.json',
    '--outDir',
    outDir,
  ]);
  return join(outDir, 'gateway', 'main.js');
}
