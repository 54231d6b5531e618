// The simulator's public surface, for integration tests, benchmarks and offline evaluations.
export { startFleet, runFleet, type FleetHandle, type FleetOptions } from './fleet-runner.js';
export type { FleetStats, Summary } from './runtime/stats.js';
export { noCredentials, type CredentialSource, type DeviceCredentials } from './runtime/credentials.js';
export { generateFleet, type FleetParams } from './fleet.js';
export {
  EFFECT_NAMES,
  parseEffectList,
  type EffectListParse,
  type EffectName,
  type EffectOptions,
} from './effects.js';
export {
  groundTruthOf,
  groundTruthSchema,
  parseGroundTruth,
  writeGroundTruth,
  type GroundTruth,
} from './ground-truth.js';
export { initialState, isFailed, stepDevice, withCalibration, withLoadLimit } from './model/step.js';
export { simulateDevice, type SimulateWindow, type SimulatedSample } from './model/simulate.js';
export type {
  DeviceEffects,
  DeviceSpec,
  DutyKind,
  FailureMode,
  FaultSpec,
  MachineType,
  ModelState,
  StepResult,
} from './model/types.js';
export { handleCommand, COMMAND_NAMES, type CommandEffect, type CommandOutcome } from './commands/handler.js';
