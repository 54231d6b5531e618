import { describe, expect, it } from 'vitest';
import { connectionBudget, parseBenchArgs, parseScenarioList } from '../../../bench/cli.js';

const KNOWN = ['ingest', 'limits', 'connections'];

describe('parseScenarioList', () => {
  it('takes all, one name, or a comma list in the order given without repeats', () => {
    expect(parseScenarioList('all', KNOWN)).toEqual(KNOWN);
    expect(parseScenarioList('limits', KNOWN)).toEqual(['limits']);
    expect(parseScenarioList('connections, ingest,connections', KNOWN)).toEqual(['connections', 'ingest']);
  });

  it('names the unknown scenario and the known ones', () => {
    expect(() => parseScenarioList('ingest,bogus', KNOWN)).toThrow(/"bogus".*ingest, limits, connections/);
    expect(() => parseScenarioList(',', KNOWN)).toThrow(/unknown scenario/);
  });
});

describe('connectionBudget', () => {
  it('keeps a reserve under the per-process fd limit, in thousands, capped', () => {
    expect(connectionBudget(20_000)).toBe(18_000);
    expect(connectionBudget(10_500)).toBe(8_000);
    expect(connectionBudget(1_024)).toBe(1_000);
    expect(connectionBudget(1_048_576)).toBe(18_000);
    expect(connectionBudget(null)).toBe(18_000);
  });
});

describe('parseBenchArgs', () => {
  it('has short phases and 1000 connections in quick mode', () => {
    const args = parseBenchArgs(['--quick', '--scenario', 'ingest,limits'], KNOWN);
    expect(args).toMatchObject({
      quick: true,
      scenarios: ['ingest', 'limits'],
      seconds: 3,
      connections: 1_000,
    });
  });

  it('runs the full fleet of 50,000 idle devices and takes overrides', () => {
    expect(parseBenchArgs([], KNOWN)).toMatchObject({
      seconds: 20,
      connections: 50_000,
      devices: 100,
    });
    expect(parseBenchArgs(['--devices', '50', '--seconds', '5'], KNOWN)).toMatchObject({
      devices: 50,
      seconds: 5,
    });
    expect(() => parseBenchArgs(['--seconds', 'soon'], KNOWN)).toThrow(/--seconds/);
  });
});
