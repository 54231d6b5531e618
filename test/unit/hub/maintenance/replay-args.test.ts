import { describe, expect, it } from 'vitest';
import { parseReplayArgs } from '../../../../hub/maintenance/replay-args.js';

describe('replay arguments', () => {
  it('takes --from as ISO time or epoch milliseconds', () => {
    expect(parseReplayArgs(['--from', '2025-01-02T03:04:05Z'])).toEqual({
      fromMs: Date.UTC(2025, 0, 2, 3, 4, 5),
      writeState: false,
    });
    expect(parseReplayArgs(['--from', '1700000000000', '--write-state'])).toEqual({
      fromMs: 1_700_000_000_000,
      writeState: true,
    });
  });

  it('explains what is wrong', () => {
    expect(parseReplayArgs([])).toEqual({ error: '--from is required' });
    expect(parseReplayArgs(['--from', 'yesterday'])).toMatchObject({ error: /ISO time or epoch/ });
    expect(parseReplayArgs(['--frm', '1'])).toMatchObject({ error: /frm/ });
    expect(parseReplayArgs(['-h'])).toEqual({ help: true });
  });
});
