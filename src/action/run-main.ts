import * as core from "@actions/core";
import { messageOf, RunjopError } from "../errors.js";
import { reserveAndRun, reserveOnly, type RunResult } from "../runner.js";
import { openStore } from "../store/open.js";
import type { Store } from "../store/types.js";
import { actionSettingsFromInputs } from "./inputs.js";
import { ActionLogger, inActionTerms } from "./logger.js";
import { reservationStateKey } from "./run-post.js";
import { writeSummary } from "./summary.js";
import { s3Output } from "../cli/output.js";

/**
 * The action's main step. Run mode reserves the job and runs `run` when this contender wins;
 * gate mode only reserves it and saves the reservation for the post step. Outputs go through
 * the toolkit's file commands (GITHUB_OUTPUT, GITHUB_STATE).
 */
export async function runMain(): Promise<void> {
  const logger = new ActionLogger();
  let store: Store | undefined;
  try {
    const action = actionSettingsFromInputs((name) => core.getInput(name), process.env);
    const { settings } = action;
    store = await openStore(settings.store, logger);
    logger.info(`using ${store.description}`);

    if (action.mode === "run") {
      // With an s3 input the output is copied to the step log and streamed to the S3 object.
      const output = action.settings.s3 ? s3Output(action.settings, logger) : {};
      const result = await reserveAndRun({
        settings: action.settings,
        store,
        logger,
        readMissingHolder: true,
        ...output,
      });
      setOutputs(result, settings.node);
      await writeSummary(store, summaryFacts(settings.id, result, settings.node), logger);
      if (result.executed && result.exitCode !== 0) {
        core.setFailed(`job ${settings.id}: the command failed with exit status ${result.exitCode}`);
        process.exitCode = result.exitCode;
      }
      return;
    }

    const claim = await reserveOnly({ settings, store, logger, readMissingHolder: true });
    if (!claim.won) {
      setOutputs(claim.result, settings.node);
      await writeSummary(store, summaryFacts(settings.id, claim.result, settings.node), logger);
      return;
    }
    const { run } = claim;
    core.saveState(reservationStateKey, JSON.stringify(run));
    const reason = `reserved job ${settings.id} as run ${run.counter}; the post step records its outcome when the job ends`;
    core.setOutput("executed", "true");
    core.setOutput("counter", String(run.counter));
    core.setOutput("node", settings.node);
    core.setOutput("reason", reason);
    await writeSummary(
      store,
      { jobId: settings.id, decision: reason, holder: { node: settings.node, counter: run.counter } },
      logger,
    );
  } catch (error) {
    if (error instanceof RunjopError) core.setFailed(inActionTerms(error.message));
    else
      core.setFailed(
        `internal error in runjop: ${error instanceof Error ? (error.stack ?? error.message) : messageOf(error)}`,
      );
  } finally {
    await store?.close().catch(() => undefined);
  }
}

function setOutputs(result: RunResult, node: string): void {
  core.setOutput("executed", String(result.executed));
  core.setOutput("reason", result.reason);
  if (result.executed) {
    core.setOutput("exit-code", String(result.exitCode));
    core.setOutput("counter", String(result.counter));
    core.setOutput("node", node);
  } else if (result.holder) {
    core.setOutput("counter", String(result.holder.counter));
    core.setOutput("node", result.holder.node);
  }
  if (result.executed && result.logUrl) core.setOutput("log-url", result.logUrl);
}

function summaryFacts(jobId: string, result: RunResult, node: string) {
  if (result.executed) return { jobId, decision: result.reason, holder: { node, counter: result.counter } };
  return {
    jobId,
    decision: result.reason,
    holder: result.holder ? { node: result.holder.node, counter: result.holder.counter } : undefined,
  };
}
