import * as core from "@actions/core";
import { messageOf } from "../errors.js";
import { openStore } from "../store/open.js";
import { recordOutcome } from "../store/outcome.js";
import type { RunRecord, Store } from "../store/types.js";
import { storeFromInputs } from "./inputs.js";
import { ActionLogger } from "./logger.js";
import { gateOutcome, outcomeVariable } from "./outcome.js";
import { writeSummary } from "./summary.js";

/** Key of the saved state that carries the gate-mode run this job reserved. */
export const reservationStateKey = "reservation";

/**
 * The action's post step, which GitHub runs when the job ends. In gate mode it records the
 * outcome of the run that the main step reserved. A job that holds no reservation (run mode, a
 * contender that skipped, or a main step that failed or was cancelled before it won) changes
 * nothing. The head is released only while it still carries this run's token.
 */
export async function runPost(): Promise<void> {
  const saved = core.getState(reservationStateKey);
  if (saved === "") {
    core.debug("this job holds no gate-mode reservation; nothing to record");
    return;
  }
  const logger = new ActionLogger();
  let store: Store | undefined;
  try {
    const run = JSON.parse(saved) as RunRecord;
    const outcome = gateOutcome(process.env[outcomeVariable], Math.max(0, Date.now() - run.startMs), logger);
    store = await openStore(
      storeFromInputs((name) => core.getInput(name)),
      logger,
    );
    if (!(await recordOutcome(store, run, outcome, logger))) return;
    const status = outcome.exitCode === undefined ? "" : `, exit status ${outcome.exitCode}`;
    const decision = `recorded run ${run.counter} of job ${run.jobId} as ${outcome.state}${status}, ${(outcome.durationMs / 1000).toFixed(1)} s`;
    logger.info(decision);
    await writeSummary(store, { jobId: run.jobId, decision, holder: { node: run.node, counter: run.counter } }, logger);
  } catch (error) {
    // The gated work is over; a failed record leaves the run to its lease, so it only warns.
    logger.warn(
      `could not record the outcome of the gated run: ${messageOf(error)}; the run stays running until its lease lapses`,
    );
  } finally {
    await store?.close().catch(() => undefined);
  }
}
