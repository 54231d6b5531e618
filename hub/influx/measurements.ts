/** Where device state snapshots live: an infinite policy, apart from the time series. */
export const STATE_RETENTION_POLICY = 'maintenance_state';
