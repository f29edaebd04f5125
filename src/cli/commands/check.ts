import { messageOf, RunjopError, UsageError } from "../../errors.js";
import { latestOccurrence, validateSchedule } from "../../schedule.js";
import { parseSeconds } from "../../settings.js";
import { futureStartToleranceMs } from "../../store/clock.js";
import { formatUtc, type Head, type RunRecord } from "../../store/types.js";
import { storeOptions } from "../options.js";
import { exitNo, formatMoment, formatSpan, helpOption, requireId, type Subcommand } from "./common.js";

/** Seconds after a scheduled occurrence that its run may take to succeed, unless --grace is given. */
const defaultGraceSeconds = 600;

/**
 * A run that started this long before a scheduled occurrence still counts for it, because the
 * clock of the host that recorded the start may be behind the clock of the host that checks.
 */
const clockSkewToleranceMs = 30_000;

/** Runs read to find the latest finished and the latest successful run. */
const runsRead = 100;

export const checkCommand: Subcommand = {
  name: "check",
  usage: `Usage: runjop check --id ID (--within S | --schedule "CRON" [--grace S]) [--format text|openmetrics] [store options]

Checks a job for monitors and alerting. The job is healthy when its latest finished
run succeeded, that run started within the last S seconds (--within) or at or after
the latest occurrence of its schedule that is at least --grace seconds old
(--schedule), and its latest run is not stuck, that is, still recorded as running
after its lease lapsed. A latest run that starts more than ${futureStartToleranceMs / 1000} s in the future,
recorded by a host whose clock was ahead, blocks the job and fails the check. Prints one line, starting "ok:" or "not ok:".

--schedule takes five cron fields, evaluated in UTC. A run that started up to
${clockSkewToleranceMs / 1000} s before an occurrence counts for it, for clock skew between hosts.
`,
  epilog: `--format openmetrics prints the job's facts as OpenMetrics text ending with '# EOF',
for a Prometheus scrape or a node_exporter textfile collector: the latest success
and run times, the latest exit status, the run count, whether a run holds a live
lease or is stuck, and the check's verdict when --within or --schedule is given.
Skips are not recorded in the store, so no skip count is exported.

With --format openmetrics, a store that cannot be read still prints metrics, with
runjop_store_readable 0 and runjop_check_ok 0, and the error on stderr.

Exit status:
  0   healthy; with --format openmetrics, the metrics were printed
  1   not healthy: nobody ran, the latest run failed, the latest success is too
      old, a run is stuck, or the latest run starts in the future
  64  invalid options, or a --store-path file that is not a usable runjop store
  75  the store could not be read
`,
  options: [
    {
      name: "id",
      type: "string",
      value: "ID",
      help: "job to check (required)",
    },
    {
      name: "within",
      type: "string",
      value: "S",
      help: "healthy when the latest success started at most S seconds ago",
    },
    {
      name: "schedule",
      type: "string",
      value: "CRON",
      help: "healthy when the latest success started at or after the schedule's latest occurrence (UTC)",
    },
    {
      name: "grace",
      type: "string",
      value: "S",
      help: `seconds after an occurrence that its run may take to succeed (default ${defaultGraceSeconds})`,
    },
    {
      name: "format",
      type: "string",
      value: "FORMAT",
      help: "text (default) or openmetrics",
    },
    ...storeOptions,
    helpOption,
  ],
  async run({ values, openStore, out, nowMs, logger }) {
    const id = requireId(values, "check");
    const format = values.format ?? "text";
    if (format !== "text" && format !== "openmetrics") {
      throw new UsageError(`invalid --format '${String(format)}': expected text or openmetrics`);
    }
    const deadline = parseDeadline(values, nowMs, format === "openmetrics");

    let head: Head | undefined;
    let runs: RunRecord[];
    try {
      const store = await openStore();
      [head, runs] = await Promise.all([store.readHead(id), store.listRuns(id, runsRead)]);
    } catch (error) {
      if (format !== "openmetrics" || error instanceof UsageError) throw error;
      // A textfile collector keeps serving its last file unless a new one replaces it, so a
      // store that cannot be read still yields metrics that report the failure.
      logger.error(error instanceof RunjopError ? error.message : `internal error: ${messageOf(error)}`);
      out(formatUnreadableMetrics(id));
      return 0;
    }
    const facts = gatherFacts(head, runs, nowMs);
    const verdict = deadline === undefined ? undefined : judge(id, facts, deadline, nowMs);

    if (format === "openmetrics") {
      out(formatOpenMetrics(id, facts, verdict));
      return 0;
    }
    // parseDeadline requires --within or --schedule for text output, so the verdict is set here.
    out(`${verdict!.ok ? "ok" : "not ok"}: ${verdict!.line}\n`);
    return verdict!.ok ? 0 : exitNo;
  },
};

/** The earliest start time that a success may have to count, and how to name it. */
interface Deadline {
  startMs: number;
  description: string;
}

function parseDeadline(values: Record<string, unknown>, nowMs: number, optional: boolean): Deadline | undefined {
  const within = values.within;
  const schedule = values.schedule;
  if (within !== undefined && schedule !== undefined) {
    throw new UsageError("--within and --schedule exclude each other: give one");
  }
  if (values.grace !== undefined && schedule === undefined) {
    throw new UsageError("--grace needs --schedule: it is the time a scheduled run may take to succeed");
  }
  if (typeof within === "string") {
    const seconds = parseSeconds("--within", within);
    return {
      startMs: nowMs - seconds * 1000,
      description: `in the last ${seconds} s`,
    };
  }
  if (typeof schedule === "string") {
    const expression = validateSchedule("--schedule", schedule);
    const graceSeconds = typeof values.grace === "string" ? parseGrace(values.grace) : defaultGraceSeconds;
    const occurrenceMs = latestOccurrence(expression, nowMs - graceSeconds * 1000);
    return {
      startMs: occurrenceMs - clockSkewToleranceMs,
      description: `since the occurrence at ${formatUtc(occurrenceMs)} UTC of '${expression}'`,
    };
  }
  if (optional) return undefined;
  throw new UsageError(
    `missing --within or --schedule: give the age a success may have, such as --within 90000, or the job's cron schedule`,
  );
}

function parseGrace(value: string): number {
  if (value.trim() === "0") return 0;
  return parseSeconds("--grace", value);
}

/** The store's records of a job, for the verdict and the metrics. */
interface Facts {
  head?: Head;
  /** Latest run that is not running. */
  lastFinished?: RunRecord;
  /** Latest successful run among the latest `runsRead` runs. */
  lastSuccess?: RunRecord;
  /** The latest run holds a live lease. */
  running: boolean;
  /** The latest run is recorded as running, but its lease has lapsed. */
  stuck: boolean;
}

function gatherFacts(head: Head | undefined, runs: RunRecord[], nowMs: number): Facts {
  const running = head?.state === "running";
  return {
    head,
    lastFinished: runs.find((run) => run.state !== "running"),
    lastSuccess: runs.find((run) => run.state === "succeeded"),
    running: running && head!.leaseUntilMs >= nowMs,
    stuck: running && head!.leaseUntilMs < nowMs,
  };
}

function describeRun(run: RunRecord, nowMs: number): string {
  return `run ${run.counter} on node ${run.node}, started ${formatMoment(run.startMs, nowMs)}`;
}

function judge(id: string, facts: Facts, deadline: Deadline, nowMs: number): { ok: boolean; line: string } {
  const { head, lastFinished, lastSuccess } = facts;
  if (!head)
    return {
      ok: false,
      line: `nobody ran job ${id}: the store has no runs of it`,
    };
  // TODO: no subcommand clears a start in the future, because release keeps the start.
  if (head.startMs > nowMs + futureStartToleranceMs) {
    return {
      ok: false,
      line: `the latest run of job ${id} starts in the future: run ${head.counter} on node ${head.node}, started ${formatMoment(head.startMs, nowMs)}, ${head.state}; the clock of node ${head.node} was ahead, and the job is blocked until then: correct that clock`,
    };
  }
  if (facts.stuck) {
    return {
      ok: false,
      line: `job ${id} is stuck: run ${head.counter} on node ${head.node}, started ${formatMoment(head.startMs, nowMs)}, is still recorded as running, but its lease lapsed at ${formatMoment(head.leaseUntilMs, nowMs)}`,
    };
  }
  const current = facts.running
    ? `; run ${head.counter} on node ${head.node} is running since ${formatMoment(head.startMs, nowMs)}`
    : "";
  if (lastFinished && lastFinished.state !== "succeeded") {
    const how =
      lastFinished.exitCode === undefined
        ? lastFinished.state
        : `${lastFinished.state} with exit status ${lastFinished.exitCode}`;
    return {
      ok: false,
      line: `the latest run of job ${id} ${lastFinished.state === "failed" ? "failed" : "did not succeed"}: ${describeRun(lastFinished, nowMs)}, ${how}${current}`,
    };
  }
  if (!lastSuccess)
    return {
      ok: false,
      line: `nobody ran job ${id} successfully ${deadline.description}: no success in its latest ${runsRead} runs${current}`,
    };
  if (lastSuccess.startMs < deadline.startMs) {
    return {
      ok: false,
      line: `nobody ran job ${id} successfully ${deadline.description}: the latest success is ${describeRun(lastSuccess, nowMs)}${current}`,
    };
  }
  const took = lastSuccess.durationMs === undefined ? "" : `, took ${formatSpan(lastSuccess.durationMs)}`;
  return {
    ok: true,
    line: `job ${id} succeeded ${deadline.description}: ${describeRun(lastSuccess, nowMs)}${took}`,
  };
}

/** Escapes a label value as the OpenMetrics text format requires. */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function formatOpenMetrics(id: string, facts: Facts, verdict: { ok: boolean } | undefined): string {
  const labels = `{job="${escapeLabel(id)}"}`;
  const lines: string[] = [];
  const family = (name: string, type: string, help: string, sample: number | undefined, unit?: string) => {
    lines.push(`# TYPE ${name} ${type}`);
    if (unit) lines.push(`# UNIT ${name} ${unit}`);
    lines.push(`# HELP ${name} ${help}`);
    if (sample !== undefined) lines.push(`${name}${type === "counter" ? "_total" : ""}${labels} ${sample}`);
  };
  const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);
  family(
    "runjop_last_success_timestamp_seconds",
    "gauge",
    "Start time of the latest successful run.",
    seconds(facts.lastSuccess?.startMs),
    "seconds",
  );
  family(
    "runjop_last_run_timestamp_seconds",
    "gauge",
    "Start time of the latest run.",
    seconds(facts.head?.startMs),
    "seconds",
  );
  family("runjop_last_exit_status", "gauge", "Exit status of the latest finished run.", facts.lastFinished?.exitCode);
  family(
    "runjop_runs",
    "counter",
    "Runs started, from the job's counter. Skips are not recorded.",
    facts.head?.counter ?? 0,
  );
  family("runjop_running", "gauge", "1 while the latest run holds a live lease.", facts.running ? 1 : 0);
  family(
    "runjop_stuck",
    "gauge",
    "1 when the latest run is recorded as running but its lease lapsed.",
    facts.stuck ? 1 : 0,
  );
  family(storeReadable.name, "gauge", storeReadable.help, 1);
  if (verdict) family("runjop_check_ok", "gauge", "1 when the check passed.", verdict.ok ? 1 : 0);
  lines.push("# EOF");
  return `${lines.join("\n")}\n`;
}

const storeReadable = { name: "runjop_store_readable", help: "1 when the store could be read." };

/** Formats the metrics of a check whose store could not be read: the store gauge at 0 and a failed check. */
function formatUnreadableMetrics(id: string): string {
  const labels = `{job="${escapeLabel(id)}"}`;
  return [
    `# TYPE ${storeReadable.name} gauge`,
    `# HELP ${storeReadable.name} ${storeReadable.help}`,
    `${storeReadable.name}${labels} 0`,
    "# TYPE runjop_check_ok gauge",
    "# HELP runjop_check_ok 1 when the check passed.",
    `runjop_check_ok${labels} 0`,
    "# EOF",
    "",
  ].join("\n");
}
