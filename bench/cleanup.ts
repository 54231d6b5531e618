/** Undo steps of one scenario, run newest first, each even if an earlier one failed. */
export class Cleanup {
  private readonly steps: { name: string; run: () => Promise<unknown> }[] = [];

  add(name: string, run: () => Promise<unknown>): void {
    this.steps.push({ name, run });
  }

  async run(): Promise<void> {
    for (let step = this.steps.pop(); step; step = this.steps.pop()) {
      try {
        await step.run();
      } catch (error) {
        process.stderr.write(`cleanup "${step.name}" failed: ${String(error)}\n`);
      }
    }
  }
}

const active = new Set<Cleanup>();

/** Runs `body` and then its cleanup, also when it throws or the process gets SIGINT/SIGTERM. */
export async function withCleanup<T>(body: (cleanup: Cleanup) => Promise<T>): Promise<T> {
  const cleanup = new Cleanup();
  active.add(cleanup);
  try {
    return await body(cleanup);
  } finally {
    await cleanup.run();
    active.delete(cleanup);
  }
}

/** On the first SIGINT/SIGTERM, stops what the running scenarios started, then exits; a second signal exits at once. */
export function cleanUpOnSignals(): void {
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write(`${signal}: stopping what the benchmark started\n`);
    void Promise.all([...active].map((c) => c.run())).finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
