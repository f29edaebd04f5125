import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { cliEnv, runCli, tempDir } from "./helpers/cli.js";
import { isAlive, killGroup, startCli, waitFor } from "./helpers/process.js";
import { awsTestEnv, startDynalite, type RunningServer } from "./helpers/servers.js";
import { jobItems, tableClient } from "./helpers/table.js";

let dynamo: RunningServer;
let client: DynamoDBClient;
const table = "signals";

beforeAll(async () => {
  dynamo = await startDynalite();
  client = tableClient(dynamo.url);
});

afterAll(async () => {
  client.destroy();
  await dynamo.close();
});

/** A shell command that starts a grandchild, writes both process ids, and waits. */
function familyCommand(dir: string, prefix = ""): string {
  return `${prefix}sleep 300 & echo $! > ${join(dir, "grandchild")}; echo $$ > ${join(dir, "child")}; wait`;
}

function pidIn(dir: string, name: string): number {
  return Number(readFileSync(join(dir, name), "utf8").trim());
}

async function itemsByCounter(id: string) {
  const items = await jobItems(client, table, id);
  return new Map(items.map((item) => [item.counter.N, item]));
}

describe("signals sent to runjop", () => {
  const cases: [NodeJS.Signals, number][] = [
    ["SIGTERM", 143],
    ["SIGINT", 130],
    ["SIGHUP", 129],
  ];
  for (const [signal, status] of cases) {
    test(`${signal} stops the process group and exits ${status}`, async () => {
      const dir = tempDir();
      const id = `signal-${signal}`;
      const cli = startCli(
        ["--table", table, "--endpoint-url", dynamo.url, "--id", id, familyCommand(dir)],
        cliEnv(awsTestEnv()),
      );
      await waitFor(
        () => existsSync(join(dir, "child")) && existsSync(join(dir, "grandchild")),
        15000,
        "the command to start",
      );
      const grandchild = pidIn(dir, "grandchild");
      expect(isAlive(grandchild)).toBe(true);
      cli.child.kill(signal);
      const result = await cli.result;
      expect(result.code).toBe(status);
      expect(result.stderr).toContain(`received ${signal}; passing it to the command's process group`);
      expect(result.elapsedMs).toBeLessThan(15000);
      await waitFor(() => !isAlive(grandchild), 2000, "the grandchild to end");

      const items = await itemsByCounter(id);
      expect(items.get("1")?.state.S).toBe("interrupted");
      expect(items.get("1")?.signal.S).toBe(signal);
      expect(items.get("1")?.exit_code.N).toBe(String(status));
      // The head no longer holds a lease.
      expect(items.get("0")?.state.S).toBe("interrupted");
    });
  }

  test("command ignoring SIGTERM is killed after the grace period", async () => {
    const dir = tempDir();
    const id = "signal-ignored";
    const cli = startCli(
      ["--table", table, "--endpoint-url", dynamo.url, "--id", id, familyCommand(dir, "trap '' TERM; ")],
      cliEnv(awsTestEnv()),
    );
    await waitFor(
      () => existsSync(join(dir, "child")) && existsSync(join(dir, "grandchild")),
      15000,
      "the command to start",
    );
    const grandchild = pidIn(dir, "grandchild");
    const sentAt = performance.now();
    cli.child.kill("SIGTERM");
    const result = await cli.result;
    const stoppedAfterMs = performance.now() - sentAt;
    expect(result.code).toBe(143);
    expect(result.stderr).toContain("sending SIGKILL to its process group");
    // The grace period is 10 s.
    expect(stoppedAfterMs).toBeGreaterThan(9500);
    expect(stoppedAfterMs).toBeLessThan(13000);
    expect(isAlive(grandchild)).toBe(false);
    const items = await itemsByCounter(id);
    expect(items.get("1")?.state.S).toBe("interrupted");
  }, 30000);

  test("timeout stops the group and records timed_out", async () => {
    const dir = tempDir();
    const id = "signal-timeout";
    const result = await runCli(
      ["--table", table, "--endpoint-url", dynamo.url, "--id", id, "--timeout", "1", familyCommand(dir)],
      { env: cliEnv(awsTestEnv()) },
    );
    expect(result.code).toBe(124);
    // Usually about 1 s. On a loaded machine the shell may start its background sleep after the
    // SIGTERM, and then the SIGKILL 10 s later stops it: the bound allows for that.
    expect(result.elapsedMs).toBeLessThan(20000);
    expect(isAlive(pidIn(dir, "grandchild"))).toBe(false);
    const items = await itemsByCounter(id);
    expect(items.get("1")?.state.S).toBe("timed_out");
    expect(items.get("1")?.exit_code.N).toBe("124");
    expect(items.get("0")?.state.S).toBe("timed_out");
  });

  test("killed runjop leaves its run to lapse", async () => {
    // SIGKILL cannot be forwarded: the command outlives runjop, which is why the lease exists.
    const dir = tempDir();
    const id = "signal-kill";
    const cli = startCli(
      ["--table", table, "--endpoint-url", dynamo.url, "--id", id, "--lease", "2", familyCommand(dir)],
      cliEnv(awsTestEnv()),
    );
    await waitFor(() => existsSync(join(dir, "child")), 15000, "the command to start");
    // The start record is written while the command starts, so it may land after the command runs.
    const deadline = Date.now() + 15000;
    while (!(await itemsByCounter(id)).has("1") && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    cli.child.kill("SIGKILL");
    await cli.exited;
    killGroup(pidIn(dir, "child"));
    await cli.result;
    const items = await itemsByCounter(id);
    expect(items.get("1")?.state.S).toBe("running");
    expect(Number(items.get("0")?.lease_until_ms.N)).toBeLessThan(Date.now() + 2000);
  });
});
