import { join } from "node:path";
import { cliEnv, runCli, tempDir } from "./helpers/cli.js";
import { startFaultProxy, type FaultProxy } from "./helpers/faultProxy.js";
import { sleep, startCli, waitFor } from "./helpers/process.js";
import { awsTestEnv, startDynalite, type RunningServer } from "./helpers/servers.js";

let dynamo: RunningServer;
let proxy: FaultProxy;

beforeAll(async () => {
  dynamo = await startDynalite();
  proxy = await startFaultProxy(dynamo.url);
});

afterAll(async () => {
  await proxy.close();
  await dynamo.close();
});

describe("durations longer than setTimeout's limit", () => {
  // 2147484 s is 2^31 ms plus a little: the first value that setTimeout cannot take in one piece.
  test("--timeout 2147484 lets a short command finish", async () => {
    const store = join(tempDir(), "store.sqlite");
    const result = await runCli(["--store-path", store, "--id", "long-timeout", "--timeout", "2147484", "echo done"]);
    expect(result.stderr).not.toContain("TimeoutOverflowWarning");
    expect(result.stderr).not.toContain("timed out");
    expect(result.stdout).toBe("done\n");
    expect(result.code).toBe(0);
  });

  test("--timeout 31622400 lets a short command finish", async () => {
    const store = join(tempDir(), "store.sqlite");
    const result = await runCli(["--store-path", store, "--id", "max-timeout", "--timeout", "31622400", "echo done"]);
    expect(result.stderr).not.toContain("TimeoutOverflowWarning");
    expect(result.stdout).toBe("done\n");
    expect(result.code).toBe(0);
  });

  test("--lease 31622400 renews no more than --lease 60", async () => {
    const env = cliEnv(awsTestEnv());
    const args = ["--table", "leases", "--endpoint-url", proxy.url, "--lease"];
    // The first run creates the table. With --lease 60 the first renewal is due after 20 s, so a 3 s run sends none.
    await runCli([...args, "60", "--id", "short-lease", "true"], { env });
    proxy.reset();
    await runCli([...args, "60", "--id", "short-lease-2", "sleep 3"], { env });
    const withoutRenewals = proxy.count("UpdateItem");
    proxy.reset();
    const result = await runCli([...args, "31622400", "--id", "long-lease", "sleep 3"], { env });
    expect(proxy.count("UpdateItem")).toBe(withoutRenewals);
    expect(result.stderr).not.toContain("TimeoutOverflowWarning");
    expect(result.code).toBe(0);
  }, 40000);

  test("--standby with --lease 31622400 polls rarely", async () => {
    const env = cliEnv(awsTestEnv());
    const args = ["--table", "leases", "--endpoint-url", proxy.url, "--id", "long-standby", "--lease", "31622400"];
    const holder = startCli([...args, "sleep 6"], env);
    await waitFor(() => holder.stderr().includes("running job long-standby"), 15000, "the holder to start");
    proxy.reset();
    const standby = startCli([...args, "--standby", "--standby-max", "31622400", "echo standby-ran"], env);
    await waitFor(() => standby.stderr().includes("standing by"), 15000, "the standby to start");
    await sleep(3000);
    standby.child.kill("SIGTERM");
    const result = await standby.result;
    expect(result.stderr).not.toContain("TimeoutOverflowWarning");
    expect(result.stdout).toBe("");
    // One read right after the lost reservation, the next one an hour later.
    expect(proxy.count("GetItem")).toBeLessThanOrEqual(2);
    expect((await holder.result).code).toBe(0);
  }, 30000);
});
