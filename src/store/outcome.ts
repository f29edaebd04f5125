import type { Logger } from "../log.js";
import type { Outcome, RunRecord, Store } from "./types.js";

/**
 * Records a run's outcome in the store, and warns when the run's item carries another
 * contender's token, such as a post step given a forged or stale reservation. Returns whether
 * the outcome was recorded.
 */
export async function recordOutcome(store: Store, run: RunRecord, outcome: Outcome, logger: Logger): Promise<boolean> {
  const recorded = await store.recordOutcome(run, outcome);
  if (!recorded) {
    logger.warn(
      `run ${run.counter} of job ${run.jobId} carries another contender's token; its outcome was not recorded`,
    );
  }
  return recorded;
}
