import { describe, expect, it } from 'vitest';
import { ConfigError, SETTINGS, loadConfig } from '../../../config/index.js';

function issues(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig({ env });
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => i.message);
    throw err;
  }
  return [];
}

describe('maintenance settings', () => {
  it('default per machine type, with env names derived from section and key', () => {
    const m = loadConfig({ env: {} }).maintenance;
    expect(m).toMatchObject({
      retentionDays: 30,
      snapshotIntervalMs: 30_000,
      sessionTimeoutMs: 30_000,
      pumpTemperatureFailureRiseC: 12,
      motorTemperatureFailureRiseC: 35,
      pumpPressureFailurePct: 69,
      pumpWarningHealthPct: 85,
      motorTrendWindowHours: 36,
    });
    expect(m.groupId).toBeUndefined();
    const env = SETTINGS.filter((s) => s.section === 'maintenance').map((s) => s.env);
    expect(env).toContain('MAINTENANCE_PUMP_TREND_WINDOW_HOURS');
    expect(env).toContain('MAINTENANCE_MOTOR_CRITICAL_RUL_HOURS');
    for (const name of env) expect(name).toMatch(/^MAINTENANCE_/);
  });

  it('reads them from the environment', () => {
    const m = loadConfig({
      env: { MAINTENANCE_MOTOR_WARNING_HEALTH_PCT: '80', MAINTENANCE_GROUP_ID: 'hubs.pm' },
    }).maintenance;
    expect(m).toMatchObject({ motorWarningHealthPct: 80, groupId: 'hubs.pm' });
  });

  it('insists that critical < warning < clear health, naming the variables', () => {
    expect(issues({ MAINTENANCE_PUMP_CLEAR_HEALTH_PCT: '80' })).toEqual([
      'MAINTENANCE_PUMP_WARNING_HEALTH_PCT (maintenance.pumpWarningHealthPct): MAINTENANCE_PUMP_CRITICAL_HEALTH_PCT (50) < MAINTENANCE_PUMP_WARNING_HEALTH_PCT (85) < MAINTENANCE_PUMP_CLEAR_HEALTH_PCT (80) must hold',
    ]);
    expect(issues({ MAINTENANCE_MOTOR_CRITICAL_HEALTH_PCT: '90' })).toHaveLength(1);
  });
});
