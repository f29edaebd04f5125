import { defaults, parseSeconds } from "../../settings.js";
import { futureStartToleranceMs } from "../../store/clock.js";
import { isReservable } from "../../store/rules.js";
import type { Head } from "../../store/types.js";
import { storeOptions } from "../options.js";
import { exitNo, formatFields, formatMoment, helpOption, requireId, type Subcommand } from "./common.js";

export const statusCommand: Subcommand = {
  name: "status",
  usage: `Usage: runjop status --id ID [--range S] [store options]

Shows who holds the job now: the latest run, its lease, the range it started,
and when the next run may start. A job is held while its latest run started less
than --range seconds ago, or while that run is running and its lease is live.
Give the --range that the job's contenders use.
`,
  epilog: `Status assumes the contenders run without --allow-overlap.

Exit status:
  0   the job is free: a contender starting now would run it
  1   the job is held
  64  invalid options, or a --store-path file that is not a usable runjop store
  75  the store could not be read
`,
  options: [
    { name: "id", type: "string", value: "ID", help: "job to show (required)" },
    {
      name: "range",
      type: "string",
      value: "S",
      help: `the contenders' --range in seconds (default ${defaults.rangeSeconds})`,
    },
    ...storeOptions,
    helpOption,
  ],
  async run({ values, openStore, out, nowMs }) {
    const id = requireId(values, "status");
    const rangeSeconds =
      typeof values.range === "string" ? parseSeconds("--range", values.range) : defaults.rangeSeconds;
    const store = await openStore();
    const head = await store.readHead(id);
    if (!head) {
      out(
        formatFields([
          ["job", id],
          ["status", "free: the job has never run"],
          ["next run", "now"],
        ]),
      );
      return 0;
    }
    const report = describeStatus(head, rangeSeconds * 1000, nowMs);
    out(formatFields([["job", id], ...report.fields]));
    return report.held ? exitNo : 0;
  },
};

/** Describes the head as status lines, and tells whether the job is held at `nowMs`. */
export function describeStatus(
  head: Head,
  rangeMs: number,
  nowMs: number,
): { held: boolean; fields: Array<[string, string]> } {
  const rangeEndMs = head.startMs + rangeMs;
  const running = head.state === "running";
  const leaseLive = running && head.leaseUntilMs >= nowMs;
  const held = !isReservable(head, {
    jobId: head.jobId,
    node: "",
    token: "",
    nowMs,
    rangeMs,
    leaseMs: 0,
    allowOverlap: false,
  });
  const inRange = rangeEndMs > nowMs;

  const fields: Array<[string, string]> = [
    ["last run", `${head.counter} on node ${head.node}, started ${formatMoment(head.startMs, nowMs)}, ${head.state}`],
  ];
  if (leaseLive)
    fields.push([
      "lease",
      `until ${formatMoment(head.leaseUntilMs, nowMs)}: node ${head.node} renews it while its run lasts; if that runjop has stopped, the lease lapses then`,
    ]);
  else if (running)
    fields.push([
      "lease",
      `lapsed at ${formatMoment(head.leaseUntilMs, nowMs)}: node ${head.node} stopped renewing it`,
    ]);
  else if (head.state === "released") fields.push(["lease", "none: the run was released"]);
  else fields.push(["lease", "none: the run has ended"]);
  fields.push([
    "range",
    `${inRange ? "until" : "ended"} ${formatMoment(rangeEndMs, nowMs)}, with --range ${rangeMs / 1000}`,
  ]);

  if (!held) {
    fields.push(["status", "free"], ["next run", "now"]);
    return { held, fields };
  }
  const reasons = [inRange ? "range" : "", leaseLive ? "lease" : ""].filter(Boolean).join(" and ");
  fields.push(["status", `held by node ${head.node} (${reasons})`]);
  if (head.startMs > nowMs + futureStartToleranceMs)
    fields.push([
      "clock",
      `run ${head.counter} starts in the future because the clock of node ${head.node} was ahead, and this blocks the job: correct that clock`,
    ]);
  if (leaseLive && inRange)
    fields.push([
      "next run",
      `from ${formatMoment(rangeEndMs, nowMs)}, once run ${head.counter} ends or its lease lapses`,
    ]);
  else if (leaseLive) fields.push(["next run", `once run ${head.counter} ends or its lease lapses`]);
  else fields.push(["next run", `from ${formatMoment(rangeEndMs, nowMs)}`]);
  return { held, fields };
}
