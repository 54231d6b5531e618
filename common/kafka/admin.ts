import type { Admin, Kafka } from 'kafkajs';

/** Runs `step` with a connected admin client, which is disconnected afterwards whatever happens. */
export async function withAdmin<T>(kafka: Kafka, step: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await step(admin);
  } finally {
    await admin.disconnect();
  }
}
