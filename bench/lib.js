// Helpers of the benchmarks: the server child process, timed process runs, and statistics.
import { fork, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const root = resolve(import.meta.dirname, "..");
export const binPath = join(root, "bin/runjop.js");
export const node = process.execPath;

/** Starts bench/servers.js and returns its ports and a request function over IPC. */
export async function startServers() {
  const child = fork(join(root, "bench/servers.js"), [], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const ready = await new Promise((done, fail) => {
    child.once("message", done);
    child.once("exit", (code) => fail(new Error(`bench/servers.js exited with status ${code} before it was ready`)));
  });
  let nextId = 1;
  const pending = new Map();
  child.on("message", (message) => {
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error) waiter.fail(new Error(message.error));
    else waiter.done(message);
  });
  const request = (type) =>
    new Promise((done, fail) => {
      const id = nextId++;
      pending.set(id, { done, fail });
      child.send({ type, id });
    });
  return {
    dynamoUrl: `http://127.0.0.1:${ready.dynamoPort}`,
    slowUrl: `http://127.0.0.1:${ready.slowPort}`,
    directUrl: `http://127.0.0.1:${ready.directPort}`,
    /** Returns the proxies' request log since the last call, and empties it. */
    takeLog: async () => (await request("takeLog")).log,
    startS3: async () => `http://127.0.0.1:${(await request("startS3")).port}`,
    stop: async () => {
      child.send({ type: "stop" });
      await new Promise((done) => child.once("exit", done));
    },
  };
}

export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Environment of every measured process: test credentials, no instance metadata lookups. */
export function benchEnv(extra = {}) {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_REGION: "us-east-1",
    AWS_EC2_METADATA_DISABLED: "true",
    ...extra,
  };
}

/**
 * Runs a process to its exit and returns the milliseconds from just before spawn() to the
 * 'exit' event, its exit status and its output. Rejects after `killAfterMs`.
 */
export function timeProcess(file, args, { env = benchEnv(), killAfterMs = 60000 } = {}) {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(file, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const killer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    let exitedMs;
    child.on("exit", () => (exitedMs = performance.now() - started));
    child.on("close", (code, signal) => {
      clearTimeout(killer);
      if (signal === "SIGKILL") fail(new Error(`${file} ${args.join(" ")} was killed after ${killAfterMs} ms`));
      else done({ ms: exitedMs, code, stdout, stderr });
    });
    child.on("error", fail);
  });
}

/** Runs a process and throws unless it exits with `expected` status. */
export async function timeChecked(file, args, options = {}, expected = 0) {
  const result = await timeProcess(file, args, options);
  if (result.code !== expected) {
    throw new Error(
      `${[file, ...args].join(" ")} exited with status ${result.code}, expected ${expected}:\n${result.stderr}`,
    );
  }
  return result;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Returns the value below which `fraction` of the values lie (nearest rank). */
export function percentile(values, fraction) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))];
}

/** Median, min and max of a list of numbers. */
export function summarize(values) {
  return {
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
    count: values.length,
  };
}

/** Formats a summary as "median (min-max) unit". */
export function formatSummary(summary, digits = 0, unit = "ms") {
  const format = (value) => value.toFixed(digits);
  const suffix = unit ? ` ${unit}` : "";
  return `${format(summary.median)}${suffix} (${format(summary.min)} to ${format(summary.max)})`;
}

/**
 * Counts the sequential round trips in a proxy log: requests whose time at the proxy overlaps
 * run in parallel and count once.
 */
export function countRoundTrips(entries) {
  const sorted = [...entries].sort((a, b) => a.arrivedMs - b.arrivedMs);
  let waves = 0;
  let openUntil = -Infinity;
  for (const entry of sorted) {
    if (entry.arrivedMs > openUntil) waves += 1;
    openUntil = Math.max(openUntil, entry.endedMs);
  }
  return waves;
}

/** Counts log entries by operation, as "UpdateItem 1, PutItem 1". */
export function countByTarget(entries) {
  const counts = {};
  for (const entry of entries) counts[entry.target] = (counts[entry.target] ?? 0) + 1;
  return counts;
}

/** Formats a Markdown table. */
export function markdownTable(headers, rows) {
  const line = (cells) => `| ${cells.join(" | ")} |`;
  return [line(headers), line(headers.map(() => "---")), ...rows.map(line)].join("\n");
}

/** Divides each subject timing by the floor timing of the same round. */
export function ratiosPerRound(subject, floor) {
  return subject.map((value, index) => value / floor[index]);
}
