import { DynamoDBClient, GetItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { DynamoStore } from "../src/store/dynamodb.js";
import { SqliteStore } from "../src/store/sqlite.js";
import { formatUtc, type RunState, type Store } from "../src/store/types.js";
import { binPath, cliEnv, runCli, tempDir, type CliResult } from "./helpers/cli.js";
import { awsTestEnv, startDynalite, type RunningServer } from "./helpers/servers.js";

const silentLogger = { debug() {}, info() {}, warn() {}, error() {} };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const dayMs = 24 * 3600 * 1000;

let dynamo: RunningServer;
let client: DynamoDBClient;

beforeAll(async () => {
  dynamo = await startDynalite();
  client = new DynamoDBClient({
    endpoint: dynamo.url,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  // The in-process DynamoStore used to craft runs at past times reads credentials from here.
  Object.assign(process.env, awsTestEnv());
});

afterAll(async () => {
  client.destroy();
  await dynamo.close();
});

/** One store under test: its CLI options and a way to write to it directly. */
interface Target {
  args: string[];
  env: NodeJS.ProcessEnv;
  open(): Promise<Store>;
  setLogUrl(jobId: string, counter: number, url: string): Promise<void>;
  /** The head record's raw attributes or columns, as the store keeps them. */
  rawHead(jobId: string): Promise<Record<string, unknown> | undefined>;
}

let tableNumber = 0;

const targets: Array<{ name: string; make(): Target }> = [
  {
    name: "embedded store",
    make() {
      const path = join(tempDir(), "ops.sqlite");
      return {
        args: ["--store-path", path],
        env: cliEnv(),
        open: () => SqliteStore.open(path),
        async setLogUrl(jobId, counter, url) {
          const db = new DatabaseSync(path);
          const columns = db.prepare("PRAGMA table_info(runs)").all() as Array<{
            name: string;
          }>;
          if (!columns.some((column) => column.name === "log_url")) db.exec("ALTER TABLE runs ADD COLUMN log_url TEXT");
          db.prepare("UPDATE runs SET log_url = ? WHERE job_id = ? AND counter = ?").run(url, jobId, counter);
          db.close();
        },
        async rawHead(jobId) {
          const db = new DatabaseSync(path);
          const row = db.prepare("SELECT * FROM heads WHERE job_id = ?").get(jobId) as
            Record<string, unknown> | undefined;
          db.close();
          return row;
        },
      };
    },
  },
  {
    name: "DynamoDB",
    make() {
      const table = `ops-${++tableNumber}`;
      return {
        args: ["--table", table, "--endpoint-url", dynamo.url],
        env: cliEnv(awsTestEnv()),
        open: async () =>
          new DynamoStore({
            table,
            endpointUrl: dynamo.url,
            logger: silentLogger,
          }),
        async setLogUrl(jobId, counter, url) {
          await client.send(
            new UpdateItemCommand({
              TableName: table,
              Key: { job_id: { S: jobId }, counter: { N: String(counter) } },
              UpdateExpression: "SET log_url = :url",
              ExpressionAttributeValues: { ":url": { S: url } },
            }),
          );
        },
        async rawHead(jobId) {
          const output = await client.send(
            new GetItemCommand({
              TableName: table,
              Key: { job_id: { S: jobId }, counter: { N: "0" } },
              ConsistentRead: true,
            }),
          );
          return output.Item;
        },
      };
    },
  },
];

/**
 * Writes a run that started at `startMs` through the store itself, for cases where the time
 * matters: a success days ago, or a holder that died and stopped renewing its lease.
 */
async function craftRun(
  store: Store,
  jobId: string,
  node: string,
  startMs: number,
  end:
    | {
        state: Exclude<RunState, "running" | "abandoned" | "released">;
        exitCode: number;
      }
    | { leaseMs: number },
  expiresAt?: number,
): Promise<number> {
  const token = randomUUID();
  const leaseMs = "leaseMs" in end ? end.leaseMs : 60000;
  const reservation = await store.reserve({
    jobId,
    node,
    token,
    nowMs: startMs,
    rangeMs: 1000,
    leaseMs,
    allowOverlap: false,
  });
  if (!reservation.won) throw new Error(`crafting run of ${jobId} at ${formatUtc(startMs)} lost the reservation`);
  const run = {
    jobId,
    counter: reservation.counter,
    node,
    time: formatUtc(startMs),
    startMs,
    token,
    state: "running" as const,
    command: "crafted",
    expiresAt,
  };
  await store.recordStart(run, reservation.abandoned);
  if ("state" in end) await store.recordOutcome(run, { ...end, durationMs: 1500 });
  return run.counter;
}

/** Starts a run command in the background and resolves once it reports that it runs the command. */
async function startHolder(
  target: Target,
  args: string[],
): Promise<{
  child: ChildProcessWithoutNullStreams;
  exited: Promise<number | null>;
}> {
  const child = spawn(process.execPath, [binPath, ...target.args, ...args], {
    env: target.env,
  });
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  await new Promise<void>((resolve, reject) => {
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
      if (stderr.includes("running job")) resolve();
    });
    exited.then(() => reject(new Error(`holder exited early: ${stderr}`)));
  });
  return { child, exited };
}

function lines(result: CliResult): string[] {
  return result.stdout.split("\n").filter(Boolean);
}

describe.each(targets)("operating on the $name", ({ make }) => {
  let target: Target;
  let cli: (args: string[]) => Promise<CliResult>;
  let lastRunAt = 0;

  beforeAll(async () => {
    target = make();
    cli = (args) => runCli([...args, ...target.args], { env: target.env });
    // Three runs of one job by three nodes, one range of 1 s apart, then a skipped contender.
    expect((await cli(["--id", "nightly", "--node", "host-a", "--range", "1", "echo a"])).code).toBe(0);
    await sleep(1100);
    expect((await cli(["--id", "nightly", "--node", "host-b", "--range", "1", "exit 3"])).code).toBe(3);
    await sleep(1100);
    expect((await cli(["--id", "nightly", "--node", "host-c", "--range", "1", "sleep 0.2"])).code).toBe(0);
    lastRunAt = Date.now();
    const skipped = await cli(["--id", "nightly", "--node", "host-d", "echo d"]);
    expect(skipped.stderr).toContain("skipped job nightly");
    expect((await cli(["--id", "broken", "--node", "host-a", "exit 7"])).code).toBe(7);
  });

  describe("history", () => {
    test("lists runs of several nodes newest first", async () => {
      const result = await cli(["history", "--id", "nightly"]);
      expect(result.code).toBe(0);
      expect(result.stderr).toBe("");
      const [header, ...rows] = lines(result);
      expect(header).toBe("RUN  NODE    STARTED (UTC)        DURATION  STATE      EXIT");
      expect(rows).toHaveLength(3);
      expect(rows[0]).toMatch(/^3    host-c  \d{4}-\d\d-\d\d \d\d:\d\d:\d\d  \d+ ms +succeeded  0$/);
      expect(rows[1]).toMatch(/^2    host-b  \d{4}-\d\d-\d\d \d\d:\d\d:\d\d  \d+ ms +failed     3$/);
      expect(rows[2]).toMatch(/^1    host-a  \d{4}-\d\d-\d\d \d\d:\d\d:\d\d  \d+ ms +succeeded  0$/);
      for (const row of rows) expect(row.indexOf("  ", header.indexOf("STATE") - 2)).toBe(header.indexOf("STATE") - 2);
    });

    test("--limit keeps the newest runs", async () => {
      const result = await cli(["history", "--id", "nightly", "--limit", "2"]);
      expect(lines(result).map((line) => line.split(/\s+/)[0])).toEqual(["RUN", "3", "2"]);
    });

    test("--json prints one object per run", async () => {
      const result = await cli(["history", "--id", "nightly", "--json"]);
      expect(result.code).toBe(0);
      const runs = lines(result).map((line) => JSON.parse(line));
      expect(runs.map((run) => [run.counter, run.node, run.state, run.exit_code])).toEqual([
        [3, "host-c", "succeeded", 0],
        [2, "host-b", "failed", 3],
        [1, "host-a", "succeeded", 0],
      ]);
      expect(runs[1].command).toBe("exit 3");
      expect(runs[0].time).toBe(formatUtc(runs[0].start_ms));
      expect(runs[0].duration_ms).toBeGreaterThanOrEqual(200);
    });

    test("without --id lists jobs with their latest run", async () => {
      const result = await cli(["history"]);
      expect(result.code).toBe(0);
      const [header, ...rows] = lines(result);
      expect(header).toBe("JOB      RUNS  LAST NODE  LAST STARTED (UTC)   STATE");
      expect(rows[0]).toMatch(/^broken   1     host-a     \d{4}-\d\d-\d\d \d\d:\d\d:\d\d  failed$/);
      expect(rows[1]).toMatch(/^nightly  3     host-c     \d{4}-\d\d-\d\d \d\d:\d\d:\d\d  succeeded$/);
      const json = lines(await cli(["history", "--json"])).map((line) => JSON.parse(line));
      expect(json.find((job) => job.job_id === "nightly")).toMatchObject({
        last_counter: 3,
        node: "host-c",
        state: "succeeded",
      });
    });

    test("shows a LOG column when a run has a log URL", async () => {
      await target.setLogUrl("broken", 1, "s3://logs/broken/1.log");
      const result = await cli(["history", "--id", "broken"]);
      const [header, row] = lines(result);
      expect(header).toMatch(/^RUN  NODE    STARTED \(UTC\)        DURATION  STATE   EXIT  LOG$/);
      expect(row).toMatch(/failed  7     s3:\/\/logs\/broken\/1\.log$/);
      const json = JSON.parse(lines(await cli(["history", "--id", "broken", "--json"]))[0]);
      expect(json.log_url).toBe("s3://logs/broken/1.log");
    });

    test("unknown job prints no rows", async () => {
      const result = await cli(["history", "--id", "ghost"]);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe("");
      expect(result.stderr).toMatch(/^runjop: job ghost has no runs in /);
    });

    test("rejects an invalid --limit", async () => {
      const result = await cli(["history", "--id", "nightly", "--limit", "0"]);
      expect(result.code).toBe(64);
      expect(result.stderr).toBe("runjop: error: invalid --limit '0': expected a whole number from 1 to 1000\n");
    });
  });

  describe("status", () => {
    test("job that never ran is free", async () => {
      const result = await cli(["status", "--id", "ghost"]);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe("job:      ghost\nstatus:   free: the job has never run\nnext run: now\n");
    });

    test("finished run holds the range", async () => {
      const result = await cli(["status", "--id", "nightly"]);
      expect(result.code).toBe(1);
      const out = lines(result);
      expect(out[0]).toBe("job:      nightly");
      expect(out[1]).toMatch(
        /^last run: 3 on node host-c, started \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(.+ ago\), succeeded$/,
      );
      expect(out[2]).toBe("lease:    none: the run has ended");
      expect(out[3]).toMatch(/^range:    until .+ UTC \(in 4 min \d+ s\), with --range 300$/);
      expect(out[4]).toBe("status:   held by node host-c (range)");
      expect(out[5]).toMatch(/^next run: from \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(in 4 min \d+ s\)$/);
    });

    test("job is free once the range has passed", async () => {
      await sleep(Math.max(0, lastRunAt + 1100 - Date.now()));
      const result = await cli(["status", "--id", "nightly", "--range", "1"]);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/range: {4}ended .+ ago\), with --range 1\nstatus: {3}free\nnext run: now\n$/);
    });

    test("requires --id", async () => {
      const result = await cli(["status"]);
      expect(result.code).toBe(64);
      expect(result.stderr).toContain("missing --id");
    });
  });

  describe("check", () => {
    test("passes when the latest run succeeded in time", async () => {
      const result = await cli(["check", "--id", "nightly", "--within", "600"]);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(
        /^ok: job nightly succeeded in the last 600 s: run 3 on node host-c, started .+ UTC \(.+ ago\), took \d+ ms\n$/,
      );
    });

    test("passes for a run after the latest scheduled occurrence", async () => {
      const result = await cli(["check", "--id", "nightly", "--schedule", "0 0 1 1 *"]);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(
        /^ok: job nightly succeeded since the occurrence at \d{4}-01-01 00:00:00 UTC of '0 0 1 1 \*'/,
      );
    });

    test("fails when the latest run failed", async () => {
      const result = await cli(["check", "--id", "broken", "--within", "600"]);
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(
        /^not ok: the latest run of job broken failed: run 1 on node host-a, started .+ UTC \(.+ ago\), failed with exit status 7\n$/,
      );
    });

    test("fails when nobody ran", async () => {
      const result = await cli(["check", "--id", "ghost", "--within", "600"]);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe("not ok: nobody ran job ghost: the store has no runs of it\n");
    });

    test("fails when the latest success is too old", async () => {
      const store = await target.open();
      await craftRun(store, "old", "old-host", Date.now() - 2 * dayMs, {
        state: "succeeded",
        exitCode: 0,
      });
      await store.close();
      const within = await cli(["check", "--id", "old", "--within", "3600"]);
      expect(within.code).toBe(1);
      expect(within.stdout).toMatch(
        /^not ok: nobody ran job old successfully in the last 3600 s: the latest success is run 1 on node old-host, started .+ UTC \(2 d 0 h ago\)\n$/,
      );
      const scheduled = await cli(["check", "--id", "old", "--schedule", "0 0 * * *", "--grace", "0"]);
      expect(scheduled.code).toBe(1);
      expect(scheduled.stdout).toMatch(
        /^not ok: nobody ran job old successfully since the occurrence at \d{4}-\d\d-\d\d 00:00:00 UTC of '0 0 \* \* \*'/,
      );
    });

    test("prints OpenMetrics text ending with EOF", async () => {
      const history = lines(await cli(["history", "--id", "nightly", "--json"])).map((line) => JSON.parse(line));
      const result = await cli(["check", "--id", "nightly", "--within", "600", "--format", "openmetrics"]);
      expect(result.code).toBe(0);
      const samples = lines(result).filter((line) => !line.startsWith("#"));
      expect(samples).toEqual([
        `runjop_last_success_timestamp_seconds{job="nightly"} ${history[0].start_ms / 1000}`,
        `runjop_last_run_timestamp_seconds{job="nightly"} ${history[0].start_ms / 1000}`,
        'runjop_last_exit_status{job="nightly"} 0',
        'runjop_runs_total{job="nightly"} 3',
        'runjop_running{job="nightly"} 0',
        'runjop_stuck{job="nightly"} 0',
        'runjop_store_readable{job="nightly"} 1',
        'runjop_check_ok{job="nightly"} 1',
      ]);
      expect(result.stdout).toContain("# TYPE runjop_runs counter\n");
      expect(result.stdout).toContain("# UNIT runjop_last_success_timestamp_seconds seconds\n");
      expect(result.stdout.endsWith("# EOF\n")).toBe(true);
    });

    test("OpenMetrics reports a store it cannot read", async () => {
      const missing = join(tempDir(), "missing.sqlite");
      const result = await runCli(["check", "--store-path", missing, "--id", "nightly", "--format", "openmetrics"]);
      expect(result.code).toBe(0);
      expect(lines(result).filter((line) => !line.startsWith("#"))).toEqual([
        'runjop_store_readable{job="nightly"} 0',
        'runjop_check_ok{job="nightly"} 0',
      ]);
      expect(result.stdout.endsWith("# EOF\n")).toBe(true);
      expect(result.stderr).toBe(
        `runjop: error: embedded store ${missing} not found: no job has run with it; check --store-path, or create it with 'runjop init'\n`,
      );
    });

    test("OpenMetrics exits 0 for an unhealthy job", async () => {
      const result = await cli(["check", "--id", "broken", "--within", "600", "--format", "openmetrics"]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('runjop_last_exit_status{job="broken"} 7\n');
      expect(result.stdout).toContain('runjop_check_ok{job="broken"} 0\n');
      expect(result.stdout).not.toContain("runjop_last_success_timestamp_seconds{");
    });

    const usageCases: Array<[string, string[], string]> = [
      ["no rule", ["--id", "nightly"], "missing --within or --schedule"],
      [
        "both rules",
        ["--id", "nightly", "--within", "60", "--schedule", "* * * * *"],
        "--within and --schedule exclude each other",
      ],
      ["grace without schedule", ["--id", "nightly", "--within", "60", "--grace", "5"], "--grace needs --schedule"],
      [
        "unknown format",
        ["--id", "nightly", "--within", "60", "--format", "xml"],
        "invalid --format 'xml': expected text or openmetrics",
      ],
      [
        "bad schedule",
        ["--id", "nightly", "--schedule", "* * *"],
        "invalid --schedule '* * *': expected five cron fields",
      ],
      ["bad within", ["--id", "nightly", "--within", "soon"], "invalid --within 'soon'"],
    ];
    test.each(usageCases)("rejects %s", async (_name, args, message) => {
      const result = await cli(["check", ...args]);
      expect(result.code).toBe(64);
      expect(result.stdout).toBe("");
      expect(result.stderr).toContain(message);
    });
  });

  describe("release", () => {
    test("stuck run is reported, released and recorded", async () => {
      const store = await target.open();
      await craftRun(store, "stuck", "dead-host", Date.now() - 10000, {
        leaseMs: 2000,
      });
      await store.close();

      const history = await cli(["history", "--id", "stuck"]);
      expect(lines(history)[1]).toMatch(/^1    dead-host  .+  -         running, lease lapsed  -$/);
      const status = await cli(["status", "--id", "stuck", "--range", "1"]);
      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(/\nlease: {4}lapsed at .+ UTC \(.+ ago\): node dead-host stopped renewing it\n/);
      const check = await cli(["check", "--id", "stuck", "--within", "600"]);
      expect(check.code).toBe(1);
      expect(check.stdout).toMatch(
        /^not ok: job stuck is stuck: run 1 on node dead-host, started .+ UTC \(.+ ago\), is still recorded as running, but its lease lapsed at .+ UTC \(.+ ago\)\n$/,
      );

      const release = await cli(["release", "--id", "stuck", "--node", "ops-host"]);
      expect(release.code).toBe(0);
      expect(release.stdout).toMatch(
        /^released job stuck: run 1 on node dead-host, started .+ UTC \(lease lapsed at .+ UTC\), is now recorded as released by ops-host\n$/,
      );
      expect((await target.rawHead("stuck"))?.state).toEqual(
        target.args[0] === "--table" ? { S: "released" } : "released",
      );
      const after = await cli(["history", "--id", "stuck", "--json"]);
      expect(JSON.parse(after.stdout)).toMatchObject({
        counter: 1,
        node: "dead-host",
        state: "released",
        released_by: "ops-host",
      });
      expect(lines(await cli(["history", "--id", "stuck"]))[1]).toMatch(/released by ops-host  -$/);
      const checkAfter = await cli(["check", "--id", "stuck", "--within", "600"]);
      expect(checkAfter.stdout).toMatch(
        /^not ok: the latest run of job stuck did not succeed: run 1 on node dead-host, .+, released\n$/,
      );

      const releasedStatus = await cli(["status", "--id", "stuck", "--range", "1"]);
      expect(releasedStatus.stdout).toContain("\nlease:    none: the run was released\n");
      const again = await cli(["release", "--id", "stuck"]);
      expect(again.code).toBe(0);
      expect(again.stdout).toBe(
        "job stuck is not held: run 1 on node dead-host ended as released; nothing to release\n",
      );
    });

    test("live lease is kept unless forced", async () => {
      // The holder's command runs until the test creates the file `done`.
      const done = join(tempDir(), "done");
      const holder = await startHolder(target, [
        "--id",
        "live",
        "--node",
        "holder-host",
        `while [ ! -e ${done} ]; do sleep 0.1; done`,
      ]);
      const status = await cli(["status", "--id", "live"]);
      expect(status.code).toBe(1);
      expect(status.stdout).toMatch(
        /\nlease: {4}until .+ UTC \(in \d+ s\): node holder-host renews it while its run lasts; if that runjop has stopped, the lease lapses then\n/,
      );
      expect(status.stdout).toContain("\nstatus:   held by node holder-host (range and lease)\n");
      expect(status.stdout).toMatch(
        /\nnext run: from .+ UTC \(in 4 min \d+ s\), once run 1 ends or its lease lapses\n$/,
      );

      const refused = await cli(["release", "--id", "live"]);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toBe("");
      expect(refused.stderr).toMatch(
        /^runjop: error: job live is held by node holder-host with run 1, whose lease is live until .+ UTC \(in \d+ s\): wait for it to end or lapse, or pass --force\n$/,
      );

      const forced = await cli(["release", "--id", "live", "--force", "--node", "ops-host"]);
      expect(forced.code).toBe(0);
      expect(forced.stdout).toMatch(
        /^released job live: run 1 on node holder-host, started .+ \(live lease until .+ UTC, forced\), is now recorded as released by ops-host\n$/,
      );
      const released = JSON.parse((await cli(["history", "--id", "live", "--json"])).stdout);
      expect(released).toMatchObject({
        state: "released",
        released_by: "ops-host",
      });
      // A release does not shorten the range, which here lasts far longer than the test.
      expect((await cli(["status", "--id", "live", "--range", "600"])).code).toBe(1);

      // The holder still records its command's outcome when the command ends.
      writeFileSync(done, "");
      expect(await holder.exited).toBe(0);
      const finished = JSON.parse((await cli(["history", "--id", "live", "--json"])).stdout);
      expect(finished).toMatchObject({
        state: "succeeded",
        exit_code: 0,
        released_by: "ops-host",
      });
    });

    test("unknown job is not found", async () => {
      const result = await cli(["release", "--id", "ghost"]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^runjop: error: job ghost not found in .+: check --id and the store options\n$/);
    });
  });

  describe("history days", () => {
    test("run items carry expires_at and the head does not", async () => {
      const before = Math.floor(Date.now() / 1000);
      expect((await cli(["--id", "kept-7-days", "--history-days", "7", "true"])).code).toBe(0);
      const run = JSON.parse((await cli(["history", "--id", "kept-7-days", "--json"])).stdout);
      expect(run.expires_at).toBeGreaterThanOrEqual(before + 7 * 86400);
      expect(run.expires_at).toBeLessThanOrEqual(before + 7 * 86400 + 5);
      const head = await target.rawHead("kept-7-days");
      expect(head).toBeDefined();
      expect(head?.expires_at).toBeUndefined();
    });

    test("rejects an invalid --history-days", async () => {
      const result = await cli(["--id", "kept", "--history-days", "0", "true"]);
      expect(result.code).toBe(64);
      expect(result.stderr).toContain("invalid --history-days '0': expected a whole number of days from 1 to 36500");
    });
  });

  test("each subcommand prints its help", async () => {
    for (const name of ["history", "status", "release", "init", "check"]) {
      const result = await runCli([name, "--help"]);
      expect(result.code).toBe(0);
      expect(result.stdout.startsWith(`Usage: runjop ${name}`)).toBe(true);
      expect(result.stdout).toContain("--table NAME");
      expect(result.stdout).toContain("Exit status:");
    }
  });

  test("unknown option names the subcommand's help", async () => {
    const result = await cli(["status", "--id", "nightly", "--bogus"]);
    expect(result.code).toBe(64);
    expect(result.stderr).toBe("runjop: error: unknown option '--bogus'; run 'runjop status --help' for the options\n");
  });
});

describe("embedded store housekeeping", () => {
  test("a new run deletes the job's expired runs", async () => {
    const path = join(tempDir(), "expiry.sqlite");
    const store = await SqliteStore.open(path);
    await craftRun(
      store,
      "pruned",
      "old-host",
      Date.now() - 10000,
      { state: "succeeded", exitCode: 0 },
      Math.floor(Date.now() / 1000) - 1,
    );
    await store.close();
    const env = cliEnv();
    expect((await runCli(["--id", "pruned", "--range", "1", "--store-path", path, "true"], { env })).code).toBe(0);
    const result = await runCli(["history", "--id", "pruned", "--store-path", path], { env });
    expect(lines(result).map((line) => line.split(/\s+/)[0])).toEqual(["RUN", "2"]);
  });

  test("init creates the file and prints no policy", async () => {
    const path = join(tempDir(), "sub", "init.sqlite");
    const first = await runCli(["init", "--store-path", path]);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe("");
    expect(first.stderr).toBe(`runjop: created embedded store ${path}\n`);
    const second = await runCli(["init", "--store-path", path]);
    expect(second.stderr).toBe(`runjop: using the existing embedded store ${path}\n`);
  });

  test("init with --s3 prints the bucket policy", async () => {
    const result = await runCli(["init", "--store-path", join(tempDir(), "s3.sqlite"), "--s3", "s3://my-logs/runjop/"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "RunjopUploadLogs",
          Effect: "Allow",
          Action: ["s3:PutObject", "s3:AbortMultipartUpload"],
          Resource: "arn:aws:s3:::my-logs/runjop/*",
        },
      ],
    });
  });

  test("init rejects an invalid --s3", async () => {
    const result = await runCli(["init", "--s3", "https://my-logs"]);
    expect(result.code).toBe(64);
    expect(result.stderr).toContain("invalid --s3 'https://my-logs': expected s3://BUCKET or s3://BUCKET/PREFIX");
  });
});
