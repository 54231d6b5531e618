/** Addresses of the services the integration tests use; the same variables the product reads. */
export const KAFKA_BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
export const INFLUX_BASE_URL = process.env.INFLUX_TEST_URL ?? 'http://127.0.0.1:8086';
