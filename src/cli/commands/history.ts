import { UsageError } from "../../errors.js";
import { formatUtc, type Head, type RunRecord } from "../../store/types.js";
import { storeOptions } from "../options.js";
import { formatSpan, formatTable, helpOption, type Subcommand } from "./common.js";

const defaultLimit = 20;
const maxLimit = 1000;

export const historyCommand: Subcommand = {
  name: "history",
  usage: `Usage: runjop history --id ID [--limit N] [--json] [store options]
       runjop history [--json] [store options]

Lists the runs of a job from the activity log, newest first: run counter, node,
start time (UTC), duration, state, exit status, and the log URL when one was
uploaded. Without --id, lists every job in the store with its latest run.
`,
  epilog: `Without --id on DynamoDB, runjop reads the whole table with a Scan.

Exit status:
  0   the runs or jobs were listed (none, when the store has none)
  64  invalid options, or a --store-path file that is not a usable runjop store
  75  the store could not be read
`,
  options: [
    {
      name: "id",
      type: "string",
      value: "ID",
      help: "job whose runs to list; without it, list every job",
    },
    {
      name: "limit",
      type: "string",
      value: "N",
      help: `list at most N runs, newest first (default ${defaultLimit}, at most ${maxLimit})`,
    },
    {
      name: "json",
      type: "boolean",
      help: "print one JSON object per line, with the activity log's attribute names",
    },
    ...storeOptions,
    helpOption,
  ],
  async run({ values, openStore, out, logger, nowMs }) {
    const limit = parseLimit(values.limit);
    const json = values.json === true;
    const id = typeof values.id === "string" ? values.id : undefined;
    if (values.id === "")
      throw new UsageError("invalid --id '': give the job's name, or leave --id out to list every job");
    const store = await openStore();

    if (id === undefined) {
      const heads = await store.listJobs();
      if (heads.length === 0) {
        logger.info(`no jobs in ${store.description}`);
      } else if (json) {
        out(heads.map((head) => `${JSON.stringify(headJson(head))}\n`).join(""));
      } else {
        out(formatJobs(heads, nowMs));
      }
      return 0;
    }

    const [runs, head] = await Promise.all([store.listRuns(id, limit), store.readHead(id)]);
    if (runs.length === 0) logger.info(`job ${id} has no runs in ${store.description}`);
    if (json) {
      out(runs.map((run) => `${JSON.stringify(runJson(run))}\n`).join(""));
    } else if (runs.length > 0) {
      out(formatRuns(runs, head, nowMs));
    }
    return 0;
  },
};

function parseLimit(value: unknown): number {
  if (value === undefined) return defaultLimit;
  const text = String(value).trim();
  const limit = Number(text);
  if (!/^[0-9]+$/.test(text) || limit < 1 || limit > maxLimit) {
    throw new UsageError(`invalid --limit '${String(value)}': expected a whole number from 1 to ${maxLimit}`);
  }
  return limit;
}

/** Describes a run's state; a run still shown as running whose lease has lapsed is marked as such. */
function describeState(run: RunRecord, head: Head | undefined, nowMs: number): string {
  if (run.state === "released" && run.releasedBy) return `released by ${run.releasedBy}`;
  if (
    run.state === "running" &&
    head &&
    head.counter === run.counter &&
    head.state === "running" &&
    head.leaseUntilMs < nowMs
  ) {
    return "running, lease lapsed";
  }
  return run.state;
}

/**
 * Formats the runs as a table. The LOG column appears when a run has a log URL or a log error.
 * Each log error (the reason and the path of the local copy) follows the table on its own line.
 */
function formatRuns(runs: RunRecord[], head: Head | undefined, nowMs: number): string {
  const showLog = runs.some((run) => run.logUrl !== undefined || run.logError !== undefined);
  const headers = ["RUN", "NODE", "STARTED (UTC)", "DURATION", "STATE", "EXIT"];
  if (showLog) headers.push("LOG");
  const rows = runs.map((run) => {
    const row = [
      String(run.counter),
      run.node,
      run.time || formatUtc(run.startMs),
      run.durationMs === undefined ? "-" : formatSpan(run.durationMs),
      describeState(run, head, nowMs),
      run.exitCode === undefined ? "-" : String(run.exitCode),
    ];
    if (showLog) row.push(logCell(run));
    return row;
  });
  const notes = runs
    .filter((run) => run.logError !== undefined)
    .map((run) => `run ${run.counter} log: ${run.logError}\n`);
  return formatTable(headers, rows) + (notes.length > 0 ? `\n${notes.join("")}` : "");
}

function logCell(run: RunRecord): string {
  if (run.logError === undefined) return run.logUrl ?? "-";
  if (run.logUrl === undefined) return "upload failed (see below)";
  return `${run.logUrl} (incomplete, see below)`;
}

/** Widest job id shown by `history` without --id; a longer id ends in an ellipsis. */
const maxJobColumn = 40;

function shortenJobId(jobId: string): string {
  const characters = [...jobId];
  return characters.length <= maxJobColumn ? jobId : `${characters.slice(0, maxJobColumn - 1).join("")}…`;
}

function formatJobs(heads: Head[], nowMs: number): string {
  // NOTE: widths count code points, so ids with wide characters such as CJK still misalign.
  const rows = heads.map((head) => [
    shortenJobId(head.jobId),
    String(head.counter),
    head.node,
    formatUtc(head.startMs),
    head.state === "running" && head.leaseUntilMs < nowMs ? "running, lease lapsed" : head.state,
  ]);
  return formatTable(["JOB", "RUNS", "LAST NODE", "LAST STARTED (UTC)", "STATE"], rows);
}

function runJson(run: RunRecord): Record<string, unknown> {
  return {
    job_id: run.jobId,
    counter: run.counter,
    node: run.node,
    time: run.time,
    start_ms: run.startMs,
    state: run.state,
    exit_code: run.exitCode,
    duration_ms: run.durationMs,
    signal: run.signal,
    command: run.command,
    log_url: run.logUrl,
    log_error: run.logError,
    released_by: run.releasedBy,
    forced: run.forced,
    occurrence_ms: run.occurrenceMs,
    expires_at: run.expiresAt,
  };
}

function headJson(head: Head): Record<string, unknown> {
  return {
    job_id: head.jobId,
    last_counter: head.counter,
    node: head.node,
    time: formatUtc(head.startMs),
    start_ms: head.startMs,
    state: head.state,
    lease_until_ms: head.leaseUntilMs,
  };
}
