import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { load } from "js-yaml";
import { tempDir } from "./cli.js";

export interface ActionResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Values written to GITHUB_OUTPUT. */
  outputs: Record<string, string>;
  /** Values written to GITHUB_STATE, which the runner hands to the post step as STATE_* variables. */
  state: Record<string, string>;
  /** Text written to GITHUB_STEP_SUMMARY. */
  summary: string;
}

export interface ActionOptions {
  /** Inputs by their action.yml names; the defaults of action.yml fill the others, as the runner does. */
  inputs: Record<string, string>;
  /** GITHUB_*, RUNNER_*, AWS_* and other variables of the step. */
  env?: NodeJS.ProcessEnv;
  /** State saved by the main step, for the post step. */
  state?: Record<string, string>;
  /** Event payload written to the file at GITHUB_EVENT_PATH. */
  event?: unknown;
  /** Starts the process under faketime(1) at this UTC time, such as "2026-12-04 10:07:00". */
  fakeTime?: string;
  killAfterMs?: number;
}

const actionYml = load(readFileSync("action.yml", "utf8")) as { inputs: Record<string, { default?: string }> };

/** Environment name of an input, as the runner forms it: INPUT_ + upper case, spaces to underscores. */
function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, "_").toUpperCase()}`;
}

/** Parses a file written with the toolkit's file commands (name<<delimiter ... delimiter). */
export function parseFileCommands(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const pattern = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2\n/gm;
  for (const match of text.matchAll(pattern)) values[match[1]] = match[3];
  return values;
}

/** Runs a bundled entry (dist/main or dist/post) the way the GitHub runner starts an action step. */
export function runAction(entry: "main" | "post", options: ActionOptions): Promise<ActionResult> {
  const folder = tempDir("runjop-action-");
  const files = {
    GITHUB_OUTPUT: join(folder, "output"),
    GITHUB_STATE: join(folder, "state"),
    GITHUB_STEP_SUMMARY: join(folder, "summary"),
    GITHUB_EVENT_PATH: join(folder, "event.json"),
  };
  for (const path of Object.values(files)) writeFileSync(path, "");
  if (options.event !== undefined) writeFileSync(files.GITHUB_EVENT_PATH, JSON.stringify(options.event));

  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...files, ...options.env };
  for (const [name, spec] of Object.entries(actionYml.inputs)) {
    if (spec.default !== undefined) env[inputVariable(name)] = String(spec.default);
  }
  for (const [name, value] of Object.entries(options.inputs)) env[inputVariable(name)] = value;
  for (const [name, value] of Object.entries(options.state ?? {})) env[`STATE_${name}`] = value;

  const script = resolve(`dist/${entry}/index.js`);
  let file = process.execPath;
  let args = [script];
  if (options.fakeTime) {
    Object.assign(env, { TZ: "UTC", FAKETIME_DONT_FAKE_MONOTONIC: "1" });
    file = "faketime";
    args = [options.fakeTime, process.execPath, script];
  }

  return new Promise((done) => {
    const child = spawn(file, args, { env, cwd: folder, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const killer = setTimeout(() => child.kill("SIGKILL"), options.killAfterMs ?? 30000);
    child.on("close", (code) => {
      clearTimeout(killer);
      done({
        code,
        stdout,
        stderr,
        outputs: parseFileCommands(readFileSync(files.GITHUB_OUTPUT, "utf8")),
        state: parseFileCommands(readFileSync(files.GITHUB_STATE, "utf8")),
        summary: readFileSync(files.GITHUB_STEP_SUMMARY, "utf8"),
      });
    });
  });
}

/** Variables the runner sets for one workflow run of one repository. */
export function githubEnv(
  repository: string,
  runId: string,
  attempt = "1",
  extra: NodeJS.ProcessEnv = {},
): NodeJS.ProcessEnv {
  return {
    GITHUB_ACTIONS: "true",
    GITHUB_REPOSITORY: repository,
    GITHUB_RUN_ID: runId,
    GITHUB_RUN_ATTEMPT: attempt,
    RUNNER_NAME: `runner-${repository.split("/")[1]}`,
    GITHUB_EVENT_NAME: "workflow_dispatch",
    ...extra,
  };
}
