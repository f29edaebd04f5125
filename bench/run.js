// Measures what runjop costs against the floors Node and the network allow, prints the figures
// and writes them to BENCHMARKS.md.
//
// Usage: npm run bench [-- --quick] [-- --only 1,3] [-- --out FILE]
//   --quick     fewer rounds (and 256 MiB instead of 1 GiB in section 5), to try a change
//   --only N,M  run only these sections (1 to 6)
//   --out FILE  where to write the Markdown report (default BENCHMARKS.md)
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import os from "node:os";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { prepareTable } from "./floors.js";
import { root, startServers } from "./lib.js";
import * as action from "./sections/action.js";
import * as coldstart from "./sections/coldstart.js";
import * as contention from "./sections/contention.js";
import * as s3 from "./sections/s3.js";
import * as skip from "./sections/skip.js";
import * as winner from "./sections/winner.js";

const sections = [skip, winner, coldstart, contention, s3, action];

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    out: { type: "string", default: "BENCHMARKS.md" },
  },
});
const selected = values.only === undefined ? sections.map((_, index) => index + 1) : values.only.split(",").map(Number);
for (const number of selected) {
  if (!Number.isInteger(number) || number < 1 || number > sections.length) {
    console.error(
      `bench: invalid --only '${values.only}': expected section numbers from 1 to ${sections.length}, such as --only 1,3`,
    );
    process.exit(64);
  }
}

function describeMachine() {
  const cpus = os.cpus();
  const memory = (os.totalmem() / 1024 ** 3).toFixed(0);
  return `${cpus.length} cores (${cpus[0]?.model.trim() ?? "unknown model"}), ${memory} GiB RAM, Node ${process.version}, ${os.type()} ${os.release()}`;
}

function loadAverage() {
  return os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(", ");
}

function commit() {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], {
      cwd: root,
      encoding: "utf8",
    }).trim();
  } catch {
    return "unknown";
  }
}

function verdict(met) {
  if (met === null) return "not measured";
  if (met === undefined) return "no goal checked";
  return met ? "**met**" : "**missed**";
}

const machine = describeMachine();
const startedMs = performance.now();
const started = new Date();
const servers = await startServers();
const report = [];
try {
  await prepareTable(servers);
  for (const number of selected) {
    const section = sections[number - 1];
    const load = loadAverage();
    const sectionStartedMs = performance.now();
    console.log(`bench: section ${number}: ${section.title}`);
    const result = await section.run({ servers, quick: values.quick });
    const seconds = ((performance.now() - sectionStartedMs) / 1000).toFixed(0);
    console.log(
      `bench: section ${number}: ${result.summary} (goal: ${section.goal}; ${verdict(result.met).replaceAll("*", "")}; ${seconds} s)`,
    );
    report.push(
      `## ${number}. ${section.title}`,
      "",
      `Goal: ${section.goal}. Result: ${verdict(result.met)}.${result.remark ? ` ${result.remark}` : ""}`,
      "",
      ...result.body,
      "",
      `Machine: ${machine}; load average ${load} when the section started; the section took ${seconds} s.`,
      `Reproduce: \`npm run bench -- --only ${number}\`.`,
      "",
    );
  }
} finally {
  await servers.stop();
}

const totalSeconds = ((performance.now() - startedMs) / 1000).toFixed(0);
const header = [
  "# Benchmarks",
  "",
  `Written by \`npm run bench${values.quick ? " -- --quick" : ""}${values.only ? ` -- --only ${values.only}` : ""}\` on ${started.toISOString().slice(0, 16).replace("T", " ")} UTC, at commit ${commit()}, in ${totalSeconds} s.`,
  `Machine: ${machine}.`,
  "",
  "Each timing is the median over repeated runs, with the min and max in brackets, and each is set against a floor measured in the same run, in alternation with it. " +
    "A wall time runs from just before spawn() to the process's exit. The servers (dynalite, s3rver and the latency proxies) run on 127.0.0.1 in a child process of the benchmark. " +
    (values.quick ? "This was a quick run with fewer rounds: use it to compare changes, not to publish. " : "") +
    "The machine is shared with other work, so its load changes during the run and single runs can be far from the median; the load average at the start of each section is given.",
  "",
];
writeFileSync(resolve(root, values.out), `${[...header, ...report].join("\n").trimEnd()}\n`);
console.log(`bench: wrote ${values.out} in ${totalSeconds} s`);
