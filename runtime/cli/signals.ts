import type { Logger } from '../log';

/** Milliseconds cleanup may take after a signal before the process exits anyway. */
const cleanupGraceMs = 10_000;

/**
 * Creates an abort signal that SIGINT and SIGTERM trigger, so long work stops
 * and its cleanup runs. A second signal, or cleanup that outlasts the grace
 * period (an engine that never responds, say), exits at once with code 130.
 */
export function abortOnSignals(logger?: Logger): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      process.exit(130);
    }
    logger?.info(`${name} received; stopping (send it again to exit at once)`);
    controller.abort();
    timer = setTimeout(() => {
      logger?.warn(`Cleanup did not finish within ${cleanupGraceMs / 1000} s after ${name}; exiting.`);
      process.exit(130);
    }, cleanupGraceMs);
    timer.unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose() {
      if (timer) clearTimeout(timer);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
