import { messageOf } from "./errors.js";
import { abandonLateReservation } from "./lateReservation.js";
import type { Logger } from "./log.js";
import { sleep } from "./longTimer.js";
import { latestOccurrence, nextOccurrence } from "./schedule.js";
import type { Command, RunSettings } from "./settings.js";
import { recordOutcome } from "./store/outcome.js";
import { formatUtc, type Head, type Outcome, type RunRecord, type Store } from "./store/types.js";
import { randomToken } from "./token.js";

/** The outcome of one invocation, for the CLI's exit status and the action's outputs. */
export type RunResult =
  | { executed: true; counter: number; exitCode: number; outcome: Outcome; reason: string; logUrl?: string }
  | { executed: false; exitCode: 0; holder?: Head; reason: string };

/** The settings a reservation needs, without those of the command. */
export type ReserveSettings = Omit<RunSettings, "command" | "timeoutSeconds" | "killGraceSeconds" | "workingDirectory">;

export interface ReserveContext {
  settings: ReserveSettings;
  store: Store;
  logger: Logger;
  /**
   * Reads the head when a lost reservation came back without its holder, as from servers that
   * ignore ReturnValuesOnConditionCheckFailure (dynalite). The action needs the holder for its
   * outputs; the CLI keeps a skip to one request and logs no holder in that case.
   */
  readMissingHolder?: boolean;
}

/** The result of a reservation: the run this contender now holds, or why it skipped. */
export type Claim =
  { won: true; run: RunRecord; abandoned?: Head } | { won: false; result: Extract<RunResult, { executed: false }> };

export interface RunContext extends ReserveContext {
  settings: RunSettings;
  store: Store;
  logger: Logger;
  /** Environment for the command, before the RUNJOP_* variables are added. */
  env?: NodeJS.ProcessEnv;
  /** Receives the command's output; without it the command writes straight to runjop's stdout and stderr. */
  onOutput?: (chunk: Buffer, stream: "stdout" | "stderr") => void;
  /**
   * Opens a log of the output of a run this contender won, such as an S3 object. With it the
   * output reaches only onOutput and the log, so give onOutput to keep it on the console.
   */
  openOutputLog?: (run: RunRecord) => Promise<OutputLog>;
}

/** The fate of a run's output log: its URL, or the reason it is missing or incomplete. */
export interface OutputLogResult {
  url?: string;
  error?: string;
}

/** A copy of a run's output besides the console. Its failures never change the run's outcome. */
export interface OutputLog {
  write(chunk: Buffer, stream: "stdout" | "stderr"): void;
  /** Ends the log with the outcome and waits until it is stored. Never throws. */
  finish(outcome: Outcome): Promise<OutputLogResult>;
}

/** Shows a command as a person typed it, for logs and the activity log. */
export function describeCommand(command: Command): string {
  if (command.kind === "shell") return command.script;
  return [command.file, ...command.args]
    .map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : JSON.stringify(word)))
    .join(" ");
}

/** Describes the holder of a range in one line: who, which run, since when, and in what state. */
export function describeHolder(holder: Head | undefined): string {
  if (!holder) return "another contender holds the range";
  const since = formatUtc(holder.startMs);
  const occurrence =
    holder.occurrenceMs === undefined ? "" : ` for the occurrence of ${formatUtc(holder.occurrenceMs)} UTC`;
  return `node ${holder.node} holds it with run ${holder.counter}${occurrence}, started ${since} UTC (${holder.state})`;
}

/**
 * Reserves the job with one atomic write to the store. With a schedule, the reservation is for
 * the latest occurrence at or before now; otherwise for the range that starts now.
 */
export async function claimJob(context: ReserveContext, command?: string): Promise<Claim> {
  const { settings, store, logger } = context;
  const token = randomToken();
  const nowMs = Date.now();
  const occurrenceMs = settings.schedule === undefined ? undefined : latestOccurrence(settings.schedule, nowMs);
  const occurrenceLabel =
    occurrenceMs === undefined ? "" : ` for the occurrence of ${formatUtc(occurrenceMs)} UTC (${settings.schedule})`;
  logger.debug(`reserving job ${settings.id}${occurrenceLabel} for node ${settings.node} in ${store.description}`);

  const sentAt = performance.now();
  const reservation = await store.reserve({
    jobId: settings.id,
    node: settings.node,
    token,
    nowMs,
    rangeMs: settings.rangeSeconds * 1000,
    leaseMs: settings.leaseSeconds * 1000,
    allowOverlap: settings.allowOverlap,
    occurrenceMs,
    ...(occurrenceMs === undefined ? {} : { nextOccurrenceMs: nextOccurrence(settings.schedule!, occurrenceMs) }),
    force: settings.force,
    retry: settings.retry,
  });
  const answeredAfterMs = performance.now() - sentAt;

  if (!reservation.won) {
    // Servers that ignore ReturnValuesOnConditionCheckFailure, such as dynalite, return no holder.
    let holder = reservation.holder;
    if (!holder && context.readMissingHolder) holder = await store.readHead(settings.id).catch(() => undefined);
    const rule = occurrenceMs === undefined ? `; range ${settings.rangeSeconds} s` : "";
    const reason = `skipped job ${settings.id}${occurrenceLabel}: ${describeHolder(holder)}${rule}`;
    if (!settings.standby) logger.info(reason);
    return { won: false, result: { executed: false, exitCode: 0, holder, reason } };
  }

  const run: RunRecord = {
    jobId: settings.id,
    counter: reservation.counter,
    node: settings.node,
    time: formatUtc(nowMs),
    startMs: nowMs,
    token,
    state: "running",
    command,
    ...(settings.force ? { forced: true } : {}),
    ...(occurrenceMs === undefined ? {} : { occurrenceMs }),
    expiresAt: settings.historyDays === undefined ? undefined : Math.floor(nowMs / 1000) + settings.historyDays * 86400,
  };
  // Creating a missing table takes DynamoDB seconds, and that wait happened before the deciding
  // write, so it does not make the response late.
  const lateByMs = answeredAfterMs - (reservation.tableSetupMs ?? 0);
  if (lateByMs > settings.rangeSeconds * 1000) {
    throw await abandonLateReservation(store, run, lateByMs, settings.rangeSeconds * 1000, logger);
  }
  if (reservation.abandoned) {
    logger.warn(
      `run ${reservation.abandoned.counter} of job ${settings.id} on node ${reservation.abandoned.node} stopped renewing its lease; marking it abandoned`,
    );
  }
  if (settings.force)
    logger.info(`job ${settings.id} is forced: the range and the schedule occurrence were not checked`);
  // The store's clock check sets startAfterMs when the occurrence has not started yet on the store's clock.
  while (reservation.startAfterMs !== undefined && Date.now() < reservation.startAfterMs) {
    await sleep(reservation.startAfterMs - Date.now());
  }
  return { won: true, run, abandoned: reservation.abandoned };
}

/**
 * Reserves the job and records the start of its run, without running anything: the caller runs
 * the work and later records the outcome with store.recordOutcome, using the returned run.
 */
export async function reserveOnly(context: ReserveContext): Promise<Claim> {
  const claim = await claimJob(context);
  if (!claim.won) return claim;
  const { run } = claim;
  context.logger.info(`reserved job ${run.jobId} as run ${run.counter} for node ${run.node}`);
  try {
    await context.store.recordStart(run, claim.abandoned);
  } catch (error) {
    context.logger.warn(`could not record the start of run ${run.counter}: ${messageOf(error)}`);
  }
  return claim;
}

/**
 * Reserves the job, and when this contender wins, runs the command and records its outcome.
 * A contender that loses returns at once with exit status 0.
 */
export async function reserveAndRun(context: RunContext): Promise<RunResult> {
  const { settings, store, logger } = context;
  let claim = await claimJob(context, describeCommand(settings.command));
  if (!claim.won && settings.standby) {
    const { standBy } = await import("./standby.js");
    claim = await standBy(context, claim.result, describeCommand(settings.command));
  }
  if (!claim.won) return claim.result;
  const { run } = claim;
  const token = run.token;
  const commandLine = /[\n\r]/.test(run.command ?? "") ? JSON.stringify(run.command) : run.command;
  logger.info(`running job ${settings.id} as run ${run.counter} on node ${settings.node}: ${commandLine}`);

  // The start record is written while the command starts, so that it adds no latency.
  const startRecorded = store.recordStart(run, claim.abandoned).catch((error) => {
    logger.warn(`could not record the start of run ${run.counter}: ${messageOf(error)}`);
  });
  const heartbeat = startHeartbeat(context, token, run.startMs);
  const outputLog = context.openOutputLog ? await context.openOutputLog(run) : undefined;
  const onOutput = outputLog
    ? (chunk: Buffer, stream: "stdout" | "stderr") => {
        context.onOutput?.(chunk, stream);
        outputLog.write(chunk, stream);
      }
    : context.onOutput;

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
    onOutput,
    logger,
  });
  // The lease is held until the log is stored, so that the next run cannot start before it.
  const logResult = outputLog ? await outputLog.finish(outcome) : {};
  heartbeat.stop();
  await startRecorded;
  if (logResult.url !== undefined) outcome.logUrl = logResult.url;
  if (logResult.error !== undefined) outcome.logError = logResult.error;

  const seconds = (outcome.durationMs / 1000).toFixed(1);
  const reason = `ran job ${settings.id} as run ${run.counter}: ${outcome.state}, exit status ${outcome.exitCode}, ${seconds} s`;
  try {
    if (await recordOutcome(store, run, outcome, logger)) logger.info(reason);
  } catch (error) {
    // The command's status is kept whatever happens to the record.
    logger.error(
      `could not record the outcome of run ${run.counter} (${outcome.state}, exit status ${outcome.exitCode}): ${messageOf(error)}`,
    );
  }
  return {
    executed: true,
    counter: run.counter,
    exitCode: outcome.exitCode,
    outcome,
    reason,
    ...(outcome.logUrl ? { logUrl: outcome.logUrl } : {}),
  };
}

/**
 * Maximum time between two lease renewals. A lease longer than three times this is still
 * renewed at this interval, which also keeps the interval below setInterval's limit of
 * 2^31 - 1 ms, because Node fires a longer interval every millisecond.
 */
export const maxRenewalIntervalMs = 3600 * 1000;

/** Time between two lease renewals: a third of the lease, from 1 s to maxRenewalIntervalMs. */
export function renewalIntervalMs(leaseMs: number): number {
  return Math.min(maxRenewalIntervalMs, Math.max(1000, Math.floor(leaseMs / 3)));
}

/**
 * Renews the lease every third of its length, and at least every hour, while the command runs.
 * A tick is skipped while a renewal is still in flight. A warning is logged once when the last
 * successful renewal is older than the lease, as when a renewal neither succeeds nor fails.
 */
function startHeartbeat(context: RunContext, token: string, reservedAtMs: number): { stop(): void } {
  const { settings, store, logger } = context;
  const leaseMs = settings.leaseSeconds * 1000;
  let lost = false;
  let failures = 0;
  let inFlight = false;
  let lastRenewedMs = reservedAtMs;
  let lapseWarned = false;
  const timer = setInterval(() => {
    const nowMs = Date.now();
    if (!lapseWarned && !lost && nowMs - lastRenewedMs > leaseMs) {
      lapseWarned = true;
      logger.warn(
        `lease of job ${settings.id} may have lapsed: last renewed ${Math.round((nowMs - lastRenewedMs) / 1000)} s ago; the command keeps running`,
      );
    }
    if (inFlight) return;
    inFlight = true;
    store
      .extendLease(settings.id, token, nowMs + leaseMs)
      .then((held) => {
        if (!held && !lost) {
          lost = true;
          logger.warn(`lease of job ${settings.id} was taken by another contender; the command keeps running`);
        }
        if (held) {
          lastRenewedMs = nowMs;
          lapseWarned = false;
        }
      })
      .then(() => {
        if (failures > 0) logger.info(`renewed the lease of job ${settings.id} after ${failures} failed attempts`);
        failures = 0;
      })
      .catch((error) => {
        // One warning per streak of failures, so that a store that stays down does not flood the log.
        if (failures++ === 0) logger.warn(`could not renew the lease of job ${settings.id}: ${messageOf(error)}`);
      })
      .finally(() => {
        inFlight = false;
      });
  }, renewalIntervalMs(leaseMs));
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
