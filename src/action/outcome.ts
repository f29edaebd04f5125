import type { Logger } from "../log.js";
import type { Outcome } from "../store/types.js";

/** Name of the variable through which later steps tell the post step how the gated work ended. */
export const outcomeVariable = "RUNJOP_OUTCOME";

/**
 * Maps RUNJOP_OUTCOME to the outcome the post step records. Later steps set it through
 * GITHUB_ENV, for example to `${{ job.status }}` (success, failure, cancelled), a state name or an
 * exit status. Without it the post step cannot see whether the gated steps succeeded, and
 * records the state `completed` with no exit status.
 * NOTE: GitHub documents that GITHUB_ENV reaches all later steps of the job. No test here
 * shows that post steps see it, because the tests start the post step themselves.
 */
export function gateOutcome(value: string | undefined, durationMs: number, logger: Logger): Outcome {
  const text = (value ?? "").trim();
  if (text === "") return { state: "completed", durationMs };
  if (/^[0-9]{1,3}$/.test(text) && Number(text) <= 255) {
    const exitCode = Number(text);
    return { state: exitCode === 0 ? "succeeded" : "failed", exitCode, durationMs };
  }
  switch (text.toLowerCase()) {
    case "success":
    case "succeeded":
      return { state: "succeeded", exitCode: 0, durationMs };
    case "failure":
    case "failed":
      return { state: "failed", durationMs };
    case "cancelled":
    case "interrupted":
      return { state: "interrupted", durationMs };
    case "skipped":
    case "completed":
      return { state: "completed", durationMs };
    default:
      logger.warn(
        `invalid ${outcomeVariable} '${text}': expected success, failure, cancelled or an exit status from 0 to 255; recording the run as completed`,
      );
      return { state: "completed", durationMs };
  }
}
