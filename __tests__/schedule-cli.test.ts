import { spawn } from "node:child_process";
import { DatabaseSync } from "node:sqlite";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { binPath, cliEnv, runCli, tempDir } from "./helpers/cli.js";
import { startFaultProxy, type FaultProxy } from "./helpers/faultProxy.js";
import { awsTestEnv, startDynalite, type RunningServer } from "./helpers/servers.js";

/** Runs the CLI under faketime(1), starting at a UTC time such as "2026-12-04 10:07:00". */
function runAt(
  fakeTime: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn("faketime", [fakeTime, process.execPath, binPath, ...args], {
      env: { ...env, TZ: "UTC", FAKETIME_DONT_FAKE_MONOTONIC: "1" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("close", (code) => done({ code, stderr }));
  });
}

/** Starts contenders at the given times and returns the counters of the runs that happened. */
async function scheduledRuns(storeArgs: string[], env: NodeJS.ProcessEnv, times: string[]): Promise<string[]> {
  const out = join(tempDir(), "runs.txt");
  writeFileSync(out, "");
  for (const [index, time] of times.entries()) {
    const result = await runAt(
      `2026-12-04 ${time}`,
      [
        ...storeArgs,
        "--id",
        "quarterly",
        "--node",
        `host-${index}`,
        "--schedule",
        "*/15 * * * *",
        `echo "$RUNJOP_COUNTER $RUNJOP_NODE" >> ${out}`,
      ],
      env,
    );
    expect(result.code).toBe(0);
  }
  return readFileSync(out, "utf8").split("\n").filter(Boolean);
}

// Late arrivals of 10:00, the 10:15 occurrence, a late arrival of it, and a clock one minute behind.
const times = ["10:00:40", "10:06:00", "10:14:50", "10:15:05", "10:29:00", "10:14:30"];

describe("runjop --schedule", () => {
  let dynamo: RunningServer;
  // runjop under faketime compares its clock with the store's Date header, so the proxy
  // reports the store's time as the signing time of each request.
  let sameClock: FaultProxy;

  beforeAll(async () => {
    dynamo = await startDynalite();
    sameClock = await startFaultProxy(dynamo.url);
    sameClock.dateFromSigningTime = true;
  });

  afterAll(async () => {
    await sameClock.close();
    await dynamo.close();
  });

  test("each occurrence runs once on the embedded store", async () => {
    expect(await scheduledRuns([], cliEnv(), times)).toEqual(["1 host-0", "2 host-3"]);
  });

  test("each occurrence runs once on DynamoDB", async () => {
    const args = ["--table", "scheduled", "--endpoint-url", sameClock.url];
    expect(await scheduledRuns(args, cliEnv(awsTestEnv()), times)).toEqual(["1 host-0", "2 host-3"]);
  });

  test("names the occurrence when it skips", async () => {
    const env = cliEnv();
    const args = ["--id", "named", "--schedule", "0 3 * * *", "true"];
    await runAt("2026-12-04 03:20:00", args, env);
    const late = await runAt("2026-12-04 09:00:00", args, env);
    expect(late.code).toBe(0);
    expect(late.stderr).toContain("skipped job named for the occurrence of 2026-12-04 03:00:00 UTC (0 3 * * *)");
    expect(late.stderr).not.toContain("range");
  });

  test("rejects --range with --schedule", async () => {
    const args = ["--id", "both", "--range", "10", "--schedule", "0 0 * * *", "true"];
    const result = await runAt("2026-12-04 03:20:00", args, cliEnv());
    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(/^runjop: error: --range and --schedule exclude each other: .* drop --range '10'\n$/);
  });

  test("rejects an invalid expression", async () => {
    const result = await runAt("2026-12-04 03:20:00", ["--id", "bad", "--schedule", "* * *", "true"], cliEnv());
    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(/^runjop: error: invalid --schedule '\* \* \*': expected five cron fields/);
  });
});

test("embedded store file without the schedule columns is upgraded", async () => {
  const path = join(tempDir(), "old.sqlite");
  const db = new DatabaseSync(path);
  db.exec(`CREATE TABLE heads (job_id TEXT PRIMARY KEY, counter INTEGER NOT NULL, node TEXT NOT NULL, token TEXT NOT NULL,
    start_ms INTEGER NOT NULL, lease_until_ms INTEGER NOT NULL, state TEXT NOT NULL);
  CREATE TABLE runs (job_id TEXT NOT NULL, counter INTEGER NOT NULL, node TEXT NOT NULL, time TEXT NOT NULL, start_ms INTEGER NOT NULL,
    token TEXT NOT NULL, state TEXT NOT NULL, exit_code INTEGER, duration_ms INTEGER, command TEXT, signal TEXT, PRIMARY KEY (job_id, counter));
  INSERT INTO heads VALUES ('old', 4, 'host-a', 't', 0, 0, 'succeeded');`);
  db.close();

  const result = await runCli(["--store-path", path, "--id", "old", "--schedule", "0 0 * * *", "echo $RUNJOP_COUNTER"]);
  expect(result.code).toBe(0);
  expect(result.stdout).toBe("5\n");
  const reopened = new DatabaseSync(path);
  const head = reopened.prepare("SELECT occurrence_ms FROM heads WHERE job_id = 'old'").get() as {
    occurrence_ms: number;
  };
  reopened.close();
  expect(head.occurrence_ms).toBeGreaterThan(0);
});
