/**
 * Each bench worker is a module run by bench/run.ts in its own process (so its
 * CPU, RSS and GC are its own): the job comes as the first argument, the result
 * goes to stdout as one JSON line.
 */
export function runAsWorker<Job, Result>(moduleUrl: string, run: (job: Job) => Promise<Result>): void {
  if (!process.argv[2] || moduleUrl !== new URL(process.argv[1] ?? '', 'file://').href) return;
  run(JSON.parse(process.argv[2]) as Job).then(
    (result) => {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
