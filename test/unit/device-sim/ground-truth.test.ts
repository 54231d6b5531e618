import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { groundTruthOf, parseGroundTruth, writeGroundTruth } from '../../../device-sim/ground-truth.js';
import { fleet } from './helpers.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('ground truth', () => {
  it('writes one JSON line per device matching the generated specs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sim-truth-'));
    dirs.push(dir);
    const file = join(dir, 'truth.jsonl');
    const specs = fleet({ devices: 25, faults: 0.4 });
    await writeGroundTruth(file, specs);

    const text = await readFile(file, 'utf8');
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(25);
    const truth = parseGroundTruth(text);
    expect(truth).toEqual(specs.map(groundTruthOf));
    expect(truth.filter((t) => t.failureMode !== null)).toHaveLength(10);
    for (const [i, t] of truth.entries()) {
      const spec = specs[i];
      expect(t).toEqual({
        deviceId: spec?.deviceId,
        machineType: spec?.machineType,
        failureMode: spec?.fault?.mode ?? null,
        onsetMs: spec?.fault?.onsetMs ?? null,
        failureMs: spec?.fault?.failureMs ?? null,
      });
    }
  });

  it('names the line that does not parse', () => {
    expect(() =>
      parseGroundTruth(
        '{"deviceId":"a","machineType":"pump","failureMode":null,"onsetMs":null,"failureMs":null}\n{}\n',
      ),
    ).toThrow(/line 2/);
  });
});
