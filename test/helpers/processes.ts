import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

export const execFileAsync = promisify(execFile);

/** Reads a whole topic with kcat (Debian), a Kafka client this project did not write. */
export async function kcatReadAll(
  brokers: string[],
  topic: string,
): Promise<{ key: string; value: string; partition: number; headers: string }[]> {
  const { stdout } = await execFileAsync(
    'kcat',
    ['-b', brokers.join(','), '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%p\t%k\t%h\t%s\n'],
    { timeout: 30_000, maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const [partition = '', key = '', headers = '', ...value] = line.split('\t');
      return { partition: Number(partition), key, headers, value: value.join('\t') };
    });
}

/** The pid of the Kafka broker that infra/up.sh started, for tests that pause it. */
export async function localKafkaPid(): Promise<number> {
  const dataDir = process.env.IOT_DATA_DIR ?? '.data';
  return Number((await readFile(`${dataDir}/kafka/kafka.pid`, 'utf8')).trim());
}
