import { messageOf, ReserveError } from "./errors.js";
import type { Logger } from "./log.js";
import type { RunRecord, Store } from "./store/types.js";

/**
 * Handles a won reservation whose answer took longer than the range: the range it reserved may
 * have passed, and another contender may already hold the next one, so the command must not
 * start. Records the run as abandoned, ends the head's lease so that the next contender need not
 * wait for it, and returns the error that ends runjop with status 75.
 */
export async function abandonLateReservation(
  store: Store,
  run: RunRecord,
  answeredAfterMs: number,
  rangeMs: number,
  logger: Logger,
): Promise<ReserveError> {
  const seconds = (answeredAfterMs / 1000).toFixed(1);
  try {
    await Promise.all([
      store.recordStart({ ...run, state: "abandoned" }),
      store.extendLease(run.jobId, run.token, Date.now()),
    ]);
  } catch (error) {
    logger.error(
      `could not record run ${run.counter} of job ${run.jobId} as abandoned; its lease lapses on its own: ${messageOf(error)}`,
    );
  }
  return new ReserveError(
    `the reservation of job ${run.jobId} was answered after ${seconds} s, more than its range of ${rangeMs / 1000} s, so the range may have passed; the command did not run and run ${run.counter} is recorded as abandoned`,
  );
}
