import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { cliEnv, runCli, tempDir } from "./helpers/cli.js";
import { startFaultProxy, type FaultProxy } from "./helpers/faultProxy.js";
import { killGroup, sleep, startCli, waitFor } from "./helpers/process.js";
import { awsTestEnv, startDynalite, type RunningServer } from "./helpers/servers.js";
import { runRows, tableClient } from "./helpers/table.js";

let dynamo: RunningServer;
let proxy: FaultProxy;
let client: DynamoDBClient;
const table = "leases";

beforeAll(async () => {
  dynamo = await startDynalite();
  proxy = await startFaultProxy(dynamo.url);
  client = tableClient(dynamo.url);
});

beforeEach(() => proxy.reset());

afterAll(async () => {
  client.destroy();
  await proxy.close();
  await dynamo.close();
});

function args(id: string, node: string, ...extra: string[]): string[] {
  return ["--table", table, "--endpoint-url", dynamo.url, "--id", id, "--node", node, "--range", "1", ...extra];
}

/** Runs a second contender and reports whether its command ran. */
async function contend(id: string, node: string, ...extra: string[]) {
  const marker = join(tempDir(), "ran");
  const result = await runCli([...args(id, node, ...extra), `touch ${marker}`], { env: cliEnv(awsTestEnv()) });
  return { ...result, ran: existsSync(marker) };
}

describe("lease of a long run", () => {
  test("heartbeat keeps a run past its lease", async () => {
    const first = startCli([...args("long", "first", "--lease", "3"), "sleep 6"], cliEnv(awsTestEnv()));
    await waitFor(() => first.stderr().includes("running job long"), 15000, "the first run to start");
    // Past the range and past the first lease: only the heartbeat keeps the job.
    await sleep(4500);
    const second = await contend("long", "second", "--lease", "3");
    expect(second.code).toBe(0);
    expect(second.ran).toBe(false);
    expect(second.stderr).toContain("skipped job long");
    expect((await first.result).code).toBe(0);
    expect(await runRows(client, table, "long")).toEqual([["1", "first", "succeeded"]]);
  }, 30000);

  test("allow-overlap runs beside a long run", async () => {
    const first = startCli([...args("overlap", "first", "--lease", "30"), "sleep 3"], cliEnv(awsTestEnv()));
    await waitFor(() => first.stderr().includes("running job overlap"), 15000, "the first run to start");
    await sleep(1500);
    const second = await contend("overlap", "second", "--allow-overlap");
    expect(second.code).toBe(0);
    expect(second.ran).toBe(true);
    expect((await first.result).code).toBe(0);
    expect((await runRows(client, table, "overlap")).map((row) => row[1])).toEqual(["first", "second"]);
  }, 30000);

  test("dead holder's run is marked abandoned", async () => {
    const dir = tempDir();
    const holder = startCli(
      [...args("dead", "first", "--lease", "2"), `echo $$ > ${join(dir, "pid")}; sleep 30`],
      cliEnv(awsTestEnv()),
    );
    await waitFor(() => existsSync(join(dir, "pid")), 15000, "the first run to start");
    holder.child.kill("SIGKILL");
    await holder.exited;
    killGroup(Number(readFileSync(join(dir, "pid"), "utf8")));
    await holder.result;

    const early = await contend("dead", "early");
    expect(early.ran).toBe(false);
    expect(early.stderr).toContain("skipped job dead");
    await sleep(2500);
    const late = await contend("dead", "late");
    expect(late.code).toBe(0);
    expect(late.ran).toBe(true);
    expect(late.stderr).toContain("run 1 of job dead on node first stopped renewing its lease; marking it abandoned");
    expect(await runRows(client, table, "dead")).toEqual([
      ["1", "first", "abandoned"],
      ["2", "late", "succeeded"],
    ]);
  }, 30000);

  test("crash between reservation and start is recovered", async () => {
    // The reservation lands but its response is held, and runjop is killed while it waits.
    proxy.addRule({ operation: "UpdateItem", times: 1, fault: { kind: "delayResponse", ms: 5000 } });
    const marker = join(tempDir(), "ran");
    const crashed = startCli(
      [
        "--table",
        table,
        "--endpoint-url",
        proxy.url,
        "--id",
        "crash",
        "--node",
        "crashed",
        "--range",
        "1",
        "--lease",
        "5",
        `touch ${marker}`,
      ],
      cliEnv(awsTestEnv()),
    );
    await waitFor(() => proxy.count("UpdateItem") === 1, 15000, "the reservation to be sent");
    await sleep(300);
    crashed.child.kill("SIGKILL");
    await crashed.result;
    expect(existsSync(marker)).toBe(false);

    const early = await contend("crash", "early");
    expect(early.ran).toBe(false);
    // The lease of 5 s counts from the crashed contender's reservation.
    await sleep(5000);
    const late = await contend("crash", "late");
    expect(late.ran).toBe(true);
    expect(late.stderr).toContain(
      "run 1 of job crash on node crashed stopped renewing its lease; marking it abandoned",
    );
    expect(await runRows(client, table, "crash")).toEqual([
      ["1", "crashed", "abandoned"],
      ["2", "late", "succeeded"],
    ]);
  }, 30000);
});
