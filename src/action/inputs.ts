import { existsSync, readFileSync, statSync } from "node:fs";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { messageOf, UsageError } from "../errors.js";
import type { ReserveSettings } from "../runner.js";
import { rejectRangeWithSchedule, validateSchedule } from "../schedule.js";
import {
  defaults,
  parseSeconds,
  validateId,
  validateNode,
  validateRegion,
  validateTable,
  validateUrl,
  type Command,
  type RunSettings,
  type StoreSettings,
} from "../settings.js";
import type { RetryIdentity } from "../store/types.js";
import { s3LogSettings } from "../upload/settings.js";

/** Reads one input as the toolkit's core.getInput does: trimmed, "" when not given. */
export type InputReader = (name: string) => string;

/**
 * The action's two modes. Run mode runs the `run` script when this contender wins; gate mode
 * only reserves, and the post step records the outcome when the job ends.
 */
export type ActionSettings = { mode: "run"; settings: RunSettings } | { mode: "gate"; settings: ReserveSettings };

export const actionDefaults = {
  table: "runjop",
  shell: "bash",
  /** Seconds a gate-mode reservation lasts: nothing renews it between the main and post steps. */
  gateLeaseSeconds: 3600,
} as const;

/**
 * Shells as GitHub's `shell:` keyword starts them, but with the script as an argument
 * (`-c`) instead of a temporary file. bash and sh stop at the first failing command.
 */
const shells: Record<string, { file: string; args: string[] }> = {
  bash: { file: "bash", args: ["--noprofile", "--norc", "-eo", "pipefail", "-c"] },
  sh: { file: "sh", args: ["-e", "-c"] },
  python: { file: "python", args: ["-c"] },
};

/** Maps the action's inputs and the runner's environment to validated settings, or throws a UsageError. */
export function actionSettingsFromInputs(input: InputReader, env: NodeJS.ProcessEnv): ActionSettings {
  const rawId = input("id");
  if (rawId === "")
    throw new UsageError(
      "missing input id: give the job a name shared by every workflow, such as 'id: nightly-report'",
    );
  const script = input("run");
  const mode = script === "" ? "gate" : "run";
  const range = input("range");
  const lease = input("lease");
  const node = input("node");
  // Only the schedule input excludes range: a workflow that also runs on other events uses range there.
  rejectRangeWithSchedule("input range", "input schedule", range || undefined, input("schedule") || undefined);

  const base: ReserveSettings = {
    id: validateId("input id", rawId),
    rangeSeconds: range === "" ? defaults.rangeSeconds : parseSeconds("input range", range),
    node: node === "" ? defaultActionNode(env) : validateNode("input node", node),
    store: storeFromInputs(input),
    leaseSeconds:
      lease === ""
        ? mode === "gate"
          ? actionDefaults.gateLeaseSeconds
          : defaults.leaseSeconds
        : parseSeconds("input lease", lease),
    allowOverlap: false,
    force: parseBoolean("force", input("force")),
  };
  const schedule = scheduleFromInputs(input, env);
  if (schedule !== undefined) base.schedule = schedule;
  const retry = retryIdentity(env);
  if (retry !== undefined) base.retry = retry;

  if (mode === "gate") {
    // shell is not checked here, because the runner passes its default from action.yml.
    for (const name of ["working-directory", "s3"]) {
      if (input(name) !== "") {
        throw new UsageError(`input ${name} needs input run: without run the action only reserves the job (gate mode)`);
      }
    }
    return { mode, settings: base };
  }
  return {
    mode,
    settings: {
      ...base,
      command: shellCommand(input("shell"), script),
      killGraceSeconds: defaults.killGraceSeconds,
      workingDirectory: workingDirectory(input("working-directory")),
      s3: input("s3") === "" ? undefined : s3LogSettings({ s3: input("s3") }),
    },
  };
}

/** The action always uses DynamoDB: an embedded store on one runner cannot coordinate several. */
export function storeFromInputs(input: InputReader): StoreSettings {
  const table = input("table");
  const region = input("region");
  const endpointUrl = input("endpoint-url");
  return {
    kind: "dynamodb",
    table: validateTable("input table", table === "" ? actionDefaults.table : table),
    region: region === "" ? undefined : validateRegion("input region", region),
    endpointUrl: endpointUrl === "" ? undefined : validateUrl("input endpoint-url", endpointUrl),
  };
}

/** Names this contender after its repository, workflow run, attempt and runner. */
export function defaultActionNode(env: NodeJS.ProcessEnv): string {
  const runner = env.RUNNER_NAME || hostname();
  if (!env.GITHUB_REPOSITORY || !env.GITHUB_RUN_ID) return runner;
  return `${env.GITHUB_REPOSITORY}#${env.GITHUB_RUN_ID}.${env.GITHUB_RUN_ATTEMPT || "1"}@${runner}`.slice(0, 255);
}

/**
 * Attempts of one workflow run share a retry key: repository and run id. Jobs of the same
 * attempt (a matrix) share the attempt too, so they never count as retries of one another.
 */
function retryIdentity(env: NodeJS.ProcessEnv): RetryIdentity | undefined {
  if (!env.GITHUB_REPOSITORY || !env.GITHUB_RUN_ID) return undefined;
  const attempt = Number(env.GITHUB_RUN_ATTEMPT || "1");
  if (!Number.isSafeInteger(attempt) || attempt < 1) return undefined;
  return { key: `${env.GITHUB_REPOSITORY}#${env.GITHUB_RUN_ID}`, attempt };
}

/**
 * Returns the cron expression to reserve occurrences of: the schedule input, else the
 * expression in the event payload of a workflow that `on.schedule` started.
 */
function scheduleFromInputs(input: InputReader, env: NodeJS.ProcessEnv): string | undefined {
  const given = input("schedule");
  if (given !== "") return validateSchedule("input schedule", given);
  if (env.GITHUB_EVENT_NAME !== "schedule") return undefined;
  const path = env.GITHUB_EVENT_PATH;
  let expression: unknown;
  try {
    if (!path) throw new Error("GITHUB_EVENT_PATH is not set");
    expression = (JSON.parse(readFileSync(path, "utf8")) as { schedule?: unknown }).schedule;
  } catch (error) {
    throw new UsageError(
      `cannot read the cron expression of the schedule event from ${path ?? "GITHUB_EVENT_PATH"}: ${messageOf(error)}; set input schedule`,
      { cause: error },
    );
  }
  if (typeof expression !== "string") {
    throw new UsageError(
      `the schedule event payload at ${path} has no cron expression in its schedule field; set input schedule`,
    );
  }
  return validateSchedule("schedule in the event payload", expression);
}

function shellCommand(shell: string, script: string): Command {
  const name = shell === "" ? actionDefaults.shell : shell;
  const spec = shells[name];
  if (!spec) {
    throw new UsageError(`invalid input shell '${shell}': expected one of ${Object.keys(shells).join(", ")}`);
  }
  return { kind: "shell", script, shell: spec.file, shellArgs: spec.args };
}

function workingDirectory(value: string): string | undefined {
  if (value === "") return undefined;
  const path = resolve(value);
  if (!existsSync(path) || !statSync(path).isDirectory()) {
    throw new UsageError(`invalid input working-directory '${value}': ${path} is not an existing folder`);
  }
  return path;
}

/** Parses a boolean as the toolkit's getBooleanInput does (YAML 1.2 core schema), with "" as false. */
function parseBoolean(name: string, value: string): boolean {
  if (value === "" || ["false", "False", "FALSE"].includes(value)) return false;
  if (["true", "True", "TRUE"].includes(value)) return true;
  throw new UsageError(`invalid input ${name} '${value}': expected true or false`);
}
