import { InfluxDB } from 'influx';
import { afterAll, beforeAll } from 'vitest';
import { INFLUX_BASE_URL } from './env.js';
import { uniqueName } from './kafka.js';

export interface TestDatabase {
  database: string;
  url: string;
  influx: InfluxDB;
}

/** Gives the calling test file its own InfluxDB database, dropped when the file is done. */
export function useTestDatabase(): TestDatabase {
  const database = uniqueName('test').replace(/-/g, '_');
  const url = `${INFLUX_BASE_URL}/${database}`;
  const influx = new InfluxDB(url);
  beforeAll(async () => {
    await influx.createDatabase(database);
  });
  afterAll(async () => {
    await influx.dropDatabase(database);
  });
  return { database, url, influx };
}
