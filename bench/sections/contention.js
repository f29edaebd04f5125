// Section 4: many contender processes started at once on one job id, straight to dynalite.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { floorArgs, table } from "../floors.js";
import { benchEnv, binPath, formatSummary, markdownTable, node, percentile, summarize, tempDir } from "../lib.js";

export const title = "Contention: 100 and 500 contenders on one id";
export const goal = "exactly one winner per round";

/** MemAvailable from /proc/meminfo, in bytes. */
function availableMemory() {
  const match = /MemAvailable:\s+(\d+) kB/.exec(readFileSync("/proc/meminfo", "utf8"));
  return Number(match[1]) * 1024;
}

/** Keeps the lowest MemAvailable seen until stop() is called. */
function watchMemory(onLow) {
  let lowest = availableMemory();
  const timer = setInterval(() => {
    const available = availableMemory();
    lowest = Math.min(lowest, available);
    if (available < 2 * 1024 ** 3) onLow(available);
  }, 50);
  return { stop: () => (clearInterval(timer), lowest) };
}

/**
 * Starts `count` processes at once, without staggering, and returns for each the milliseconds
 * from just before its spawn() to its exit, with its exit status and stderr.
 */
function spawnAll(count, argsOf, env) {
  const children = [];
  const results = [];
  let aborted;
  const memory = watchMemory((available) => {
    aborted = `MemAvailable fell to ${(available / 1024 ** 3).toFixed(1)} GiB`;
    for (const child of children) child.kill("SIGKILL");
  });
  const startedMs = performance.now();
  const done = [];
  for (let index = 0; index < count; index++) {
    const spawnedWallMs = Date.now();
    const spawnedMs = performance.now();
    const child = spawn(node, argsOf(index), {
      env,
      stdio: ["ignore", "ignore", "pipe"],
    });
    children.push(child);
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    done.push(
      new Promise((resolve) => {
        let exitMs;
        child.on("exit", () => (exitMs = performance.now()));
        child.on("close", (code) => {
          results[index] = {
            index,
            code,
            stderr,
            spawnedWallMs,
            exitMs: exitMs - spawnedMs,
            exitAtMs: exitMs - startedMs,
          };
          resolve();
        });
      }),
    );
  }
  return Promise.all(done).then(() => ({
    results,
    lowestMemory: memory.stop(),
    aborted,
  }));
}

/** Returns the wall-clock time of the decision line ("running job" or "skipped job") in a --log file. */
function decisionTime(logFile) {
  const line = readFileSync(logFile, "utf8")
    .split("\n")
    .find((text) => / (running|skipped) job /.test(text));
  return line ? Date.parse(line.slice(0, line.indexOf(" "))) : undefined;
}

async function contend(servers, count, jobId) {
  const env = benchEnv();
  const memoryBefore = availableMemory();
  const floor = await spawnAll(count, () => floorArgs(servers.dynamoUrl), env);
  if (floor.aborted) return { aborted: floor.aborted };
  const floorFailures = floor.results.filter((result) => result.code !== 0);
  if (floorFailures.length > 0)
    throw new Error(`${floorFailures.length} floor processes failed:\n${floorFailures[0].stderr}`);

  const logDir = tempDir("runjop-bench-race-");
  const args = (index) => [
    binPath,
    "--table",
    table,
    "--endpoint-url",
    servers.dynamoUrl,
    "--id",
    jobId,
    "--range",
    "86400",
    "--node",
    `c${index}`,
    "--log",
    join(logDir, `${index}.log`),
    "true",
  ];
  const contenders = await spawnAll(count, args, env);
  if (contenders.aborted) return { aborted: contenders.aborted };
  const failures = contenders.results.filter((result) => result.code !== 0);
  const winners = contenders.results.filter((result) => /running job/.test(result.stderr)).length;
  const decided = contenders.results
    .map((result) => ({
      ...result,
      decidedWallMs: decisionTime(join(logDir, `${result.index}.log`)),
    }))
    .filter((result) => result.decidedWallMs !== undefined);
  const decisions = decided.map((result) => result.decidedWallMs - result.spawnedWallMs);
  const firstSpawn = Math.min(...contenders.results.map((result) => result.spawnedWallMs));
  const lastDecision = Math.max(...decided.map((result) => result.decidedWallMs));
  return {
    winners,
    decided: decided.length,
    failures: failures.length,
    failureCodes: [...new Set(failures.map((result) => result.code))].join(", "),
    failureSample: failures[0]?.stderr,
    runItems: await countRunItems(servers, jobId),
    allDecidedMs: lastDecision - firstSpawn,
    allExitedMs: Math.max(...contenders.results.map((result) => result.exitAtMs)),
    floorAllExitedMs: Math.max(...floor.results.map((result) => result.exitAtMs)),
    decisionP50: percentile(decisions, 0.5),
    decisionP99: percentile(decisions, 0.99),
    memoryUsed: memoryBefore - Math.min(floor.lowestMemory, contenders.lowestMemory),
  };
}

/** Counts the job's run items (counter 1, 2, ...): one per contender that ran the command. */
async function countRunItems(servers, jobId) {
  const { DynamoDBClient, QueryCommand } = await import("@aws-sdk/client-dynamodb");
  const client = new DynamoDBClient({
    endpoint: servers.dynamoUrl,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  try {
    const output = await client.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: "job_id = :job AND #counter > :zero",
        ExpressionAttributeNames: { "#counter": "counter" },
        ExpressionAttributeValues: {
          ":job": { S: jobId },
          ":zero": { N: "0" },
        },
      }),
    );
    return output.Count ?? 0;
  } finally {
    client.destroy();
  }
}

/** Formats the rounds of one contender count as a row of the section's table. */
function tableRow(count, outcomes) {
  const figure = (key, digits = 0) => formatSummary(summarize(outcomes.map((outcome) => outcome[key])), digits);
  return [
    String(count),
    String(outcomes.length),
    outcomes.map((outcome) => `${outcome.winners} (${outcome.runItems} run item)`).join(", "),
    outcomes.map((outcome) => `${outcome.decided} of ${count}`).join(", "),
    figure("allDecidedMs"),
    figure("allExitedMs"),
    figure("floorAllExitedMs"),
    formatSummary(summarize(outcomes.map((outcome) => outcome.allExitedMs / outcome.floorAllExitedMs)), 2, ""),
    figure("decisionP50"),
    figure("decisionP99"),
    `${(Math.max(...outcomes.map((outcome) => outcome.memoryUsed)) / 1024 ** 3).toFixed(1)} GiB`,
  ];
}

export async function run({ servers, quick }) {
  const plans = [
    { count: 100, rounds: quick ? 1 : 3 },
    { count: 500, rounds: 1 },
  ];
  const rows = [];
  const notes = [];
  let met = true;
  let bytesPer100;
  for (const { count, rounds } of plans) {
    const outcomes = [];
    for (let round = 0; round < rounds; round++) {
      if (bytesPer100 !== undefined) {
        // NOTE: the estimate assumes memory grows linearly with the number of live processes.
        const needed = (bytesPer100 * count) / 100;
        const available = availableMemory();
        if (needed > 0.7 * available) {
          notes.push(
            `${count} contenders not run: the 100-contender rounds used ${(bytesPer100 / 1024 ** 3).toFixed(1)} GiB, so ${count} would need about ${(needed / 1024 ** 3).toFixed(1)} GiB of the ${(available / 1024 ** 3).toFixed(1)} GiB available.`,
          );
          break;
        }
      }
      const outcome = await contend(servers, count, `race-${count}-${round}`);
      if (outcome.aborted) {
        notes.push(`A round of ${count} contenders was stopped: ${outcome.aborted}.`);
        met = false;
        break;
      }
      if (count === 100) bytesPer100 = Math.max(bytesPer100 ?? 0, outcome.memoryUsed);
      if (outcome.failures > 0) {
        notes.push(
          `In round ${round + 1} of ${count}, ${outcome.failures} contenders did not decide and exited with status ${outcome.failureCodes}, so they neither ran nor skipped; for example:\n\n    ${outcome.failureSample?.trim().split("\n").join("\n    ")}`,
        );
      }
      if (outcome.winners !== 1 || outcome.runItems !== 1) met = false;
      outcomes.push(outcome);
    }
    if (outcomes.length === 0) {
      met = false;
      continue;
    }

    rows.push(tableRow(count, outcomes));
  }
  if (notes.some((note) => note.includes("status 75"))) {
    notes.push(
      "Status 75 means that the store did not answer within the request limits as the contender saw them: 3 attempts of at most 8 s each. " +
        "With hundreds of Node processes on 2 cores, a contender waits seconds for the CPU between sending its UpdateItem and reading the answer, and dynalite waits as well, so the timeout counts CPU starvation as a silent store. " +
        "No contender that gave up ran the command, so the range still ran once.",
    );
  }
  const body = [
    markdownTable(
      [
        "Contenders",
        "Rounds",
        "Winners per round",
        "Decided per round",
        "All decided",
        "All exited",
        "Floor: all exited",
        "Exited / floor",
        "Decision latency p50",
        "Decision latency p99",
        "Peak memory in use",
      ],
      rows,
    ),
    "",
    ...notes.flatMap((note) => [note, ""]),
    "Each round first starts as many floor processes (`bench/floor.mjs`, one GetItem each) at once, then the contenders at once, all straight to dynalite with no added latency, each contender with `--range 86400` on a job id of its own round. " +
      "A contender's decision latency runs from just before its spawn() to the time stamp of its decision line (`running job` or `skipped job`) in its own `--log` file, which has millisecond resolution. " +
      '"All decided" runs from the first spawn() to the last decision line; "All exited" and the floor\'s time run from the first spawn() to the last exit. ' +
      "Winners are counted from stderr, and the run items (counter 1 and up) in the table must number exactly one. " +
      'Decision latencies and "All decided" cover only the contenders that decided; a contender that exits 75 did not run the command. ' +
      "Memory in use is the fall of MemAvailable during the round; a round is stopped when MemAvailable falls below 2 GiB.",
  ];
  const undecided = notes.filter((note) => note.includes("did not decide")).length;
  const remark = undecided > 0 ? "Some contenders gave up with status 75 instead of deciding; see below." : undefined;
  const summary = rows
    .map(
      (row) =>
        `${row[0]} contenders: winners ${row[2]}, decided ${row[3]}, all decided ${row[4]}, p50 ${row[8]}, p99 ${row[9]}`,
    )
    .join("; ");
  return { met, remark, body, summary };
}
