import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { cliEnv, tempDir, type CliResult } from "./helpers/cli.js";
import { startFaultProxy, type FaultProxy } from "./helpers/faultProxy.js";
import { killGroup, startCli, waitFor, type StartedCli } from "./helpers/process.js";
import { awsTestEnv, startDynalite, type RunningServer } from "./helpers/servers.js";
import { runRows, tableClient } from "./helpers/table.js";

let dynamo: RunningServer;
let proxy: FaultProxy;
let client: DynamoDBClient;
const table = "standby";

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

/** One store under test: the options that select it and a reader of its run log. */
interface StoreCase {
  name: string;
  storeArgs(): string[];
  env(): NodeJS.ProcessEnv;
  rows(id: string): Promise<[string, string, string][]>;
}

function dynamoCase(): StoreCase {
  return {
    name: "DynamoDB",
    storeArgs: () => ["--table", table, "--endpoint-url", dynamo.url],
    env: () => cliEnv(awsTestEnv()),
    rows: (id) => runRows(client, table, id),
  };
}

function sqliteCase(): StoreCase {
  const path = join(tempDir(), "runjop.sqlite");
  return {
    name: "SQLite",
    storeArgs: () => ["--store-path", path],
    env: () => cliEnv(),
    rows: async (id) => {
      const db = new DatabaseSync(path);
      try {
        const rows = db.prepare("SELECT counter, node, state FROM runs WHERE job_id = ? ORDER BY counter").all(id) as {
          counter: number;
          node: string;
          state: string;
        }[];
        return rows.map((row) => [String(row.counter), row.node, row.state]);
      } finally {
        db.close();
      }
    },
  };
}

/** Starts contenders at once on one job, each named node-0, node-1, ... */
function startContenders(
  store: StoreCase,
  id: string,
  count: number,
  leaseSeconds: number,
  command: string,
): StartedCli[] {
  return Array.from({ length: count }, (_, index) =>
    startCli(
      [
        ...store.storeArgs(),
        "--id",
        id,
        "--node",
        `node-${index}`,
        "--range",
        "60",
        "--lease",
        String(leaseSeconds),
        "--standby",
        command,
      ],
      store.env(),
    ),
  );
}

function lines(path: string): string[] {
  return existsSync(path) ? readFileSync(path, "utf8").trim().split("\n") : [];
}

for (const makeStore of [dynamoCase, sqliteCase]) {
  describe(`standby on ${makeStore().name}`, () => {
    test("dead holder is taken over by one of three standbys", async () => {
      const store = makeStore();
      const dir = tempDir();
      const runs = join(dir, "runs");
      // Run 1 sleeps until it is killed; a run that takes over ends at once.
      const command = `echo $RUNJOP_NODE >> ${runs}; echo $$ > ${dir}/pid-$RUNJOP_COUNTER; if [ "$RUNJOP_COUNTER" = 1 ]; then sleep 30; fi`;
      const contenders = startContenders(store, "dead", 4, 2, command);
      await waitFor(() => existsSync(join(dir, "pid-1")), 15000, "the first run to start");
      const winner = lines(runs)[0];
      const holder = contenders[Number(winner.replace("node-", ""))];
      holder.child.kill("SIGKILL");
      await holder.exited;
      killGroup(Number(readFileSync(join(dir, "pid-1"), "utf8")));
      await holder.result;

      const results = new Map<string, CliResult>();
      for (const [index, contender] of contenders.entries()) {
        if (contender !== holder) results.set(`node-${index}`, await contender.result);
      }
      for (const result of results.values()) expect(result.code).toBe(0);
      const ran = lines(runs);
      expect(ran).toHaveLength(2);
      expect(ran[0]).toBe(winner);
      const taker = ran[1];
      expect(taker).not.toBe(winner);
      const takerResult = results.get(taker)!;
      expect(takerResult.stderr).toContain(`run 1 of job dead on node ${winner} stopped renewing its lease`);
      expect(takerResult.stderr).toContain("running job dead as run 2");
      const others = [...results].filter(([node]) => node !== taker).map(([, result]) => result);
      expect(others).toHaveLength(2);
      for (const other of others) {
        expect(other.stderr).not.toContain("running job dead");
        expect(other.stderr).toContain("standby for job dead ends");
      }
      expect(await store.rows("dead")).toEqual([
        ["1", winner, "abandoned"],
        ["2", taker, "succeeded"],
      ]);
    }, 60000);

    for (const exitCode of [0, 3]) {
      const state = exitCode === 0 ? "succeeded" : "failed";
      test(`holder that ${state} is not taken over`, async () => {
        const store = makeStore();
        const runs = join(tempDir(), "runs");
        // The run outlasts its lease of 3 s through its heartbeat, then ends.
        const contenders = startContenders(
          store,
          `finished-${exitCode}`,
          3,
          3,
          `echo $RUNJOP_NODE >> ${runs}; sleep 4; exit ${exitCode}`,
        );
        const results: CliResult[] = await Promise.all(contenders.map((contender) => contender.result));
        const ran = lines(runs);
        expect(ran).toHaveLength(1);
        const winnerIndex = Number(ran[0].replace("node-", ""));
        results.forEach((result, index) => {
          if (index === winnerIndex) {
            expect(result.code).toBe(exitCode);
          } else {
            expect(result.code).toBe(0);
            expect(result.stderr).toContain(
              `standby for job finished-${exitCode} ends: run 1 on node ${ran[0]} finished (${state}); the command did not run here`,
            );
          }
        });
        expect(await store.rows(`finished-${exitCode}`)).toEqual([["1", ran[0], state]]);
      }, 30000);
    }
  });
}

describe("standby bound and polling", () => {
  test("standby gives up at --standby-max", async () => {
    const dir = tempDir();
    const holder = startCli(
      ["--table", table, "--endpoint-url", dynamo.url, "--id", "bound", "--node", "holder", "--lease", "3", "sleep 8"],
      cliEnv(awsTestEnv()),
    );
    await waitFor(() => holder.stderr().includes("running job bound"), 15000, "the holder to start");
    const standby = startCli(
      [
        "--table",
        table,
        "--endpoint-url",
        proxy.url,
        "--id",
        "bound",
        "--node",
        "standby",
        "--lease",
        "3",
        "--standby",
        "--standby-max",
        "3",
        `touch ${join(dir, "ran")}`,
      ],
      cliEnv(awsTestEnv()),
    );
    const result = await standby.result;
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("standby for job bound ends after 3 s: node holder holds it with run 1");
    expect(result.stderr).toContain(
      "--standby-max 3 is not longer than --lease 3: a dead holder's lease may not lapse before the standby ends",
    );
    expect(existsSync(join(dir, "ran"))).toBe(false);
    expect(result.elapsedMs).toBeGreaterThan(3000);
    expect(result.elapsedMs).toBeLessThan(7000);
    // One reservation, then a read of the head about once a second (a third of the lease, with jitter).
    expect(proxy.count("UpdateItem")).toBe(1);
    expect(proxy.count("GetItem")).toBeGreaterThanOrEqual(3);
    expect(proxy.count("GetItem")).toBeLessThanOrEqual(6);
    expect((await holder.result).code).toBe(0);
  }, 30000);

  test("--standby-max without --standby is rejected", async () => {
    const result = await startCli(["--id", "usage", "--standby-max", "5", "true"]).result;
    expect(result.code).toBe(64);
    expect(result.stderr).toContain("--standby-max needs --standby");
  });
});

describe("stalled heartbeat", () => {
  test("renewal that hangs warns while the command runs", async () => {
    const dir = tempDir();
    proxy.addRule({
      operation: "UpdateItem",
      when: (body) => body.UpdateExpression === "SET #lease = :lease",
      fault: { kind: "hang" },
    });
    const run = startCli(
      [
        "--table",
        table,
        "--endpoint-url",
        proxy.url,
        "--id",
        "stall",
        "--node",
        "stalled",
        "--lease",
        "3",
        `sleep 7; touch ${join(dir, "done")}`,
      ],
      cliEnv(awsTestEnv()),
    );
    await waitFor(
      () => run.stderr().includes("lease of job stall may have lapsed: last renewed"),
      15000,
      "the lapse warning",
    );
    expect(existsSync(join(dir, "done"))).toBe(false);
    // The reservation and one renewal that hangs: later ticks skip while it is in flight.
    expect(proxy.count("UpdateItem")).toBe(2);
    const result = await run.result;
    expect(result.code).toBe(0);
    expect(existsSync(join(dir, "done"))).toBe(true);
    expect(result.stderr.match(/may have lapsed/g)).toHaveLength(1);
  }, 30000);
});
