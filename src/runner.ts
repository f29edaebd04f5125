import { messageOf } from "./errors.js";
import type { Logger } from "./log.js";
import type { Command, RunSettings } from "./settings.js";
import { formatUtc, type Head, type Outcome, type RunRecord, type Store } from "./store/types.js";
import { randomToken } from "./token.js";

/** What happened to one invocation, for the CLI's exit status and the action's outputs. */
export type RunResult =
  | { executed: true; counter: number; exitCode: number; outcome: Outcome; reason: string }
  | { executed: false; exitCode: 0; holder?: Head; reason: string };

export interface RunContext {
  settings: RunSettings;
  store: Store;
  logger: Logger;
  /** Environment for the command, before the RUNJOP_* variables are added. */
  env?: NodeJS.ProcessEnv;
  /** Receives the command's output; without it the command writes straight to runjop's stdout and stderr. */
  onOutput?: (chunk: Buffer, stream: "stdout" | "stderr") => void;
}

/** Shows a command as a person typed it, for logs and the activity log. */
export function describeCommand(command: Command): string {
  if (command.kind === "shell") return command.script;
  return [command.file, ...command.args].map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : JSON.stringify(word))).join(" ");
}

/** Describes the holder of a range in one line: who, which run, since when, and in what state. */
export function describeHolder(holder: Head | undefined): string {
  if (!holder) return "another contender holds the range";
  const since = formatUtc(holder.startMs);
  return `node ${holder.node} holds it with run ${holder.counter}, started ${since} UTC (${holder.state})`;
}

/**
 * Reserves the job, and when this contender wins, runs the command and records its outcome.
 * A contender that loses returns at once with exit status 0.
 */
export async function reserveAndRun(context: RunContext): Promise<RunResult> {
  const { settings, store, logger } = context;
  const token = randomToken();
  const nowMs = Date.now();
  logger.debug(`reserving job ${settings.id} for node ${settings.node} in ${store.description}`);

  const reservation = await store.reserve({
    jobId: settings.id,
    node: settings.node,
    token,
    nowMs,
    rangeMs: settings.rangeSeconds * 1000,
    leaseMs: settings.leaseSeconds * 1000,
    allowOverlap: settings.allowOverlap,
  });

  if (!reservation.won) {
    const reason = `skipped job ${settings.id}: ${describeHolder(reservation.holder)}; range ${settings.rangeSeconds} s`;
    logger.info(reason);
    return { executed: false, exitCode: 0, holder: reservation.holder, reason };
  }

  const run: RunRecord = {
    jobId: settings.id,
    counter: reservation.counter,
    node: settings.node,
    time: formatUtc(nowMs),
    startMs: nowMs,
    token,
    state: "running",
    command: describeCommand(settings.command),
  };
  if (reservation.abandoned) {
    logger.warn(`run ${reservation.abandoned.counter} of job ${settings.id} on node ${reservation.abandoned.node} stopped renewing its lease; marking it abandoned`);
  }
  logger.info(`running job ${settings.id} as run ${run.counter} on node ${settings.node}: ${run.command}`);

  // The start record is written while the command starts, so that it adds no latency.
  const startRecorded = store.recordStart(run, reservation.abandoned).catch((error) => {
    logger.warn(`could not record the start of run ${run.counter}: ${messageOf(error)}`);
  });
  const heartbeat = startHeartbeat(context, token);

  // job.ts loads node:child_process, which only the winner needs, so a contender that skips exits without loading it.
  const { runJob } = await import("./job.js");
  const outcome = await runJob({
    command: settings.command,
    env: {
      ...(context.env ?? process.env),
      RUNJOP_ID: settings.id,
      RUNJOP_COUNTER: String(run.counter),
      RUNJOP_NODE: settings.node,
    },
    cwd: settings.workingDirectory,
    timeoutMs: settings.timeoutSeconds === undefined ? undefined : settings.timeoutSeconds * 1000,
    killGraceMs: settings.killGraceSeconds * 1000,
    onOutput: context.onOutput,
    logger,
  });
  heartbeat.stop();
  await startRecorded;

  const seconds = (outcome.durationMs / 1000).toFixed(1);
  const reason = `ran job ${settings.id} as run ${run.counter}: ${outcome.state}, exit status ${outcome.exitCode}, ${seconds} s`;
  try {
    await store.recordOutcome(run, outcome);
    logger.info(reason);
  } catch (error) {
    // The command's status is kept whatever happens to the record.
    logger.error(`could not record the outcome of run ${run.counter} (${outcome.state}, exit status ${outcome.exitCode}): ${messageOf(error)}`);
  }
  return { executed: true, counter: run.counter, exitCode: outcome.exitCode, outcome, reason };
}

/** Renews the lease every third of its length while the command runs. */
function startHeartbeat(context: RunContext, token: string): { stop(): void } {
  const { settings, store, logger } = context;
  const leaseMs = settings.leaseSeconds * 1000;
  let lost = false;
  const timer = setInterval(() => {
    store
      .extendLease(settings.id, token, Date.now() + leaseMs)
      .then((held) => {
        if (!held && !lost) {
          lost = true;
          logger.warn(`lease of job ${settings.id} was taken by another contender; the command keeps running`);
        }
      })
      .catch((error) => logger.warn(`could not renew the lease of job ${settings.id}: ${messageOf(error)}`));
  }, Math.max(1000, Math.floor(leaseMs / 3)));
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
