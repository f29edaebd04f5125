// Section 5: a job that prints 1 GiB, uploaded by runjop through --s3 to s3rver.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { benchEnv, binPath, formatSummary, markdownTable, node, summarize, tempDir } from "../lib.js";

export const title = "Memory: 1 GiB of output through `--s3`";
export const goal = "peak RSS under 100 MB; throughput shown against `cat` of the same bytes to /dev/null";

/** Checks whether this build of runjop has the --s3 option. */
export function hasS3Option() {
  const help = spawnSync(node, [binPath, "--help"], { encoding: "utf8" });
  return /--s3\b/.test(help.stdout);
}

/**
 * Runs a process with stdout sent to /dev/null and returns its wall time and peak RSS. GNU time
 * measures the peak exactly; without it, VmHWM is read from /proc every 10 ms, which misses
 * growth in the last 10 ms.
 */
export function runMeasured(file, args, env) {
  const timeFile = join(tempDir("runjop-bench-time-"), "rss");
  const gnuTime = existsSync("/usr/bin/time");
  const command = gnuTime ? "/usr/bin/time" : file;
  const commandArgs = gnuTime ? ["-f", "%M", "-o", timeFile, file, ...args] : args;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, commandArgs, {
      env,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    let polledKb = 0;
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const poller = gnuTime
      ? undefined
      : setInterval(() => {
          try {
            const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
            if (match) polledKb = Math.max(polledKb, Number(match[1]));
          } catch {
            // The process has exited between two reads.
          }
        }, 10);
    child.on("error", reject);
    child.on("close", (code) => {
      if (poller) clearInterval(poller);
      const ms = performance.now() - started;
      const peakKb = gnuTime ? Number(readFileSync(timeFile, "utf8").trim().split("\n").pop()) : polledKb;
      resolve({ code, ms, peakBytes: peakKb * 1024, stderr });
    });
  });
}

export async function uploadedBytes(s3Url, prefix) {
  const { S3Client, ListObjectsV2Command } = await import("@aws-sdk/client-s3");
  const client = new S3Client({
    endpoint: s3Url,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
  try {
    const output = await client.send(new ListObjectsV2Command({ Bucket: "bench", Prefix: prefix }));
    return (output.Contents ?? []).reduce((sum, object) => sum + (object.Size ?? 0), 0);
  } finally {
    client.destroy();
  }
}

export async function run({ servers, quick }) {
  if (!hasS3Option())
    return {
      met: null,
      body: ["not measured: feature not present in this build (`runjop --help` lists no `--s3`)."],
      summary: "not measured: no --s3",
    };

  const bytes = quick ? 256 * 1024 ** 2 : 1024 ** 3;
  const rounds = quick ? 1 : 3;
  const s3Url = await servers.startS3();
  const env = benchEnv({
    AWS_ACCESS_KEY_ID: "S3RVER",
    AWS_SECRET_ACCESS_KEY: "S3RVER",
  });
  const storeDir = tempDir("runjop-bench-s3store-");
  const times = { cat: [], runjop: [] };
  const peaks = [];
  for (let round = 0; round < rounds; round++) {
    const cat = await runMeasured("sh", ["-c", `head -c ${bytes} /dev/zero | cat > /dev/null`], env);
    if (cat.code !== 0) throw new Error(`the cat floor failed:\n${cat.stderr}`);
    times.cat.push(cat.ms);

    const prefix = `round-${round}`;
    // NOTE: written against the planned options --s3 s3://BUCKET/PREFIX and --s3-endpoint-url URL.
    const args = [
      binPath,
      "--store-path",
      join(storeDir, `${round}.sqlite`),
      "--id",
      `s3-${round}`,
      "--s3",
      `s3://bench/${prefix}`,
      "--s3-endpoint-url",
      s3Url,
      "--",
      "head",
      "-c",
      String(bytes),
      "/dev/zero",
    ];
    const result = await runMeasured(node, args, env);
    if (result.code !== 0) throw new Error(`runjop --s3 exited with status ${result.code}:\n${result.stderr}`);
    const uploaded = await uploadedBytes(s3Url, prefix);
    if (uploaded < bytes)
      throw new Error(`runjop --s3 uploaded ${uploaded} bytes under s3://bench/${prefix}, expected at least ${bytes}`);
    times.runjop.push(result.ms);
    peaks.push(result.peakBytes / 1e6);
  }

  const throughput = (list) => summarize(list.map((ms) => bytes / 1e6 / (ms / 1000)));
  const peak = summarize(peaks);
  const met = peak.max < 100;
  const body = [
    markdownTable(
      ["Figure", "Median (min to max)"],
      [
        [
          `Floor: \`head -c ${bytes} /dev/zero | cat > /dev/null\``,
          `${formatSummary(summarize(times.cat), 0)}, ${formatSummary(throughput(times.cat), 0, "MB/s")}`,
        ],
        [
          "runjop `--s3` with the same job, uploading to s3rver",
          `${formatSummary(summarize(times.runjop), 0)}, ${formatSummary(throughput(times.runjop), 0, "MB/s")}`,
        ],
        ["Peak RSS of the runjop process", formatSummary(peak, 1, "MB")],
      ],
    ),
    "",
    `${rounds} rounds of ${bytes} bytes from /dev/zero. runjop runs on the embedded store and uploads the job's output to s3rver on 127.0.0.1, which writes it to a temporary folder; ` +
      `the upload is checked by listing the prefix. Peak RSS comes from ${existsSync("/usr/bin/time") ? "GNU time (%M)" : "VmHWM in /proc, read every 10 ms"}; 1 MB is 10^6 bytes.`,
  ];
  const summary = `peak RSS ${formatSummary(peak, 1, "MB")}, runjop ${formatSummary(throughput(times.runjop), 0, "MB/s")}, cat ${formatSummary(throughput(times.cat), 0, "MB/s")}`;
  return { met, body, summary };
}
