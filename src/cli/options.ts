import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "../errors.js";
import type { Level } from "../log.js";
import { rejectRangeWithSchedule, validateSchedule } from "../schedule.js";
import {
  defaultNode,
  defaultStorePath,
  checkValidUtf8,
  defaults,
  parseHistoryDays,
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
import { s3LogSettings } from "../upload/settings.js";

/** One command-line option: its parser entry and its line in `--help`. */
export interface OptionSpec {
  name: string;
  short?: string;
  type: "string" | "boolean";
  /** Placeholder shown in help for a value, such as S or FILE. */
  value?: string;
  help: string;
}

/** Options that select the store, shared by the run command and the operating subcommands. */
export const storeOptions: OptionSpec[] = [
  {
    name: "table",
    type: "string",
    value: "NAME",
    help: "DynamoDB table; giving it selects DynamoDB (a run creates it when missing; runjop init creates it with TTL)",
  },
  {
    name: "region",
    type: "string",
    value: "REGION",
    help: `AWS region (default: AWS_REGION or the profile's region, else ${defaults.region})`,
  },
  {
    name: "endpoint-url",
    type: "string",
    value: "URL",
    help: "DynamoDB-compatible endpoint (default: AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL, AWS)",
  },
  {
    name: "store-path",
    type: "string",
    value: "FILE",
    help: "SQLite file of the embedded store, used without --table (default: $XDG_STATE_HOME/runjop/runjop.sqlite)",
  },
];

/** Options that set how much runjop logs on stderr, shared by the run command and the subcommands. */
export const logLevelOptions: OptionSpec[] = [
  { name: "debug", short: "d", type: "boolean", help: "log debug detail (not with --quiet)" },
  { name: "quiet", short: "q", type: "boolean", help: "log only warnings and errors (not with --debug)" },
];

/** Returns the log level that -d and -q select, and rejects the two together. */
export function logLevelFromValues(values: ParsedValues): Level {
  if (values.debug === true && values.quiet === true) {
    throw new UsageError("--debug and --quiet exclude each other: give one of them");
  }
  if (values.debug === true) return "debug";
  if (values.quiet === true) return "warn";
  return "info";
}

/** Options of `runjop [options] "command"`, named as in the original Python tool where it had them. */
export const runOptions: OptionSpec[] = [
  { name: "id", type: "string", value: "ID", help: "job name shared by every host (required)" },
  {
    name: "range",
    type: "string",
    value: "S",
    help: `seconds after a run starts in which no other run may start (default ${defaults.rangeSeconds})`,
  },
  {
    name: "node",
    type: "string",
    value: "NAME",
    help: "this host's name in the activity log (default: the host name)",
  },
  ...storeOptions,
  {
    name: "schedule",
    type: "string",
    value: "CRON",
    help: "cron expression (UTC) of the job: run each occurrence once, however late, instead of using --range",
  },
  { name: "timeout", type: "string", value: "S", help: "stop the command after S seconds and record it as timed out" },
  {
    name: "lease",
    type: "string",
    value: "S",
    help: `seconds a run's lease lasts without a heartbeat (default ${defaults.leaseSeconds})`,
  },
  {
    name: "allow-overlap",
    type: "boolean",
    help: "let the next range start while a run that outlasted its range still runs",
  },
  {
    name: "standby",
    type: "boolean",
    help: "when another host holds the job, watch it and take over its run if it dies before finishing",
  },
  {
    name: "standby-max",
    type: "string",
    value: "S",
    help: "seconds a --standby contender watches the holder before it exits 0 (default: the range)",
  },
  {
    name: "s3",
    type: "string",
    value: "s3://BUCKET[/PREFIX]",
    help: "also stream the command's output to one S3 object per run, under PREFIX",
  },
  {
    name: "s3-sse",
    type: "string",
    value: "ALG",
    help: "server-side encryption of the S3 object: AES256 or aws:kms (default: the bucket's setting)",
  },
  {
    name: "s3-kms-key-id",
    type: "string",
    value: "ID",
    help: "KMS key for --s3-sse aws:kms (default: the AWS managed key aws/s3)",
  },
  {
    name: "s3-endpoint-url",
    type: "string",
    value: "URL",
    help: "S3-compatible endpoint, addressed path-style (default: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, AWS)",
  },
  {
    name: "log",
    type: "string",
    value: "FILE",
    help: "append runjop's own log to FILE, with the time and the job id on each line",
  },
  {
    name: "history-days",
    type: "string",
    value: "N",
    help: "let the store delete this run's record N days after it starts (default: keep it)",
  },
  ...logLevelOptions,
  { name: "help", short: "h", type: "boolean", help: "show this help and exit" },
  { name: "version", short: "V", type: "boolean", help: "show the version and exit" },
];

export type ParsedValues = Record<string, string | boolean | undefined>;

/** Parses argv with Node's util.parseArgs: options may come before or after the command, as --x V or --x=V. */
export function parseOptions(
  argv: string[],
  specs: OptionSpec[],
  helpCommand = "runjop --help",
): { values: ParsedValues; positionals: string[]; afterTerminator: string[] } {
  const options: ParseArgsConfig["options"] = {};
  for (const spec of specs) {
    options[spec.name] = { type: spec.type, ...(spec.short ? { short: spec.short } : {}) };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true, tokens: true });
  } catch (error) {
    throw new UsageError(`${rewordParseError(error)}; run '${helpCommand}' for the options`);
  }
  rejectRepeatedValues(parsed.tokens);
  const terminator = parsed.tokens.find((token) => token.kind === "option-terminator");
  const positionals: string[] = [];
  const afterTerminator: string[] = [];
  for (const token of parsed.tokens) {
    if (token.kind !== "positional") continue;
    if (terminator && token.index > terminator.index) afterTerminator.push(token.value);
    else positionals.push(token.value);
  }
  return { values: parsed.values as ParsedValues, positionals, afterTerminator };
}

/**
 * Rejects an option that takes a value and is given twice, such as `--id a --id b`, where
 * util.parseArgs would keep the last value without a word. Repeated flags are harmless.
 */
function rejectRepeatedValues(
  tokens: Array<{ kind: "option"; name: string; value?: string } | { kind: "positional" | "option-terminator" }>,
): void {
  const seen = new Map<string, string>();
  for (const token of tokens) {
    if (token.kind !== "option" || token.value === undefined) continue;
    const earlier = seen.get(token.name);
    if (earlier !== undefined) {
      throw new UsageError(`--${token.name} given twice ('${earlier}' and '${token.value}'): give it once`);
    }
    seen.set(token.name, token.value);
  }
}

function rewordParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const unknown = /Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown option '${unknown[1]}'`;
  const missing = /Option '(?:-\w, )?(--[\w-]+) <value>' argument missing/.exec(message);
  if (missing) return `missing value for ${missing[1]}`;
  const ambiguous = /Option '(?:-\w, )?(--[\w-]+)' argument is ambiguous/.exec(message);
  if (ambiguous)
    return `missing value for ${ambiguous[1]}: write a value that starts with '-' as ${ambiguous[1]}=VALUE`;
  const noValue = /Option '(--[\w-]+)' does not take an argument/.exec(message);
  if (noValue) return `option ${noValue[1]} takes no value`;
  return message.split("\n")[0].replace(/\.$/, "");
}

/** Builds the command: one quoted string for the shell, or the words after `--` run directly. */
function buildCommand(positionals: string[], afterTerminator: string[]): Command {
  if (afterTerminator.length > 0) {
    if (positionals.length > 0) {
      throw new UsageError(
        `unexpected argument '${positionals[0]}' before '--': give either one quoted command or '-- program args...', not both`,
      );
    }
    afterTerminator.forEach((argument, index) => checkValidUtf8(`argument ${index + 1} after '--'`, argument));
    return { kind: "exec", file: afterTerminator[0], args: afterTerminator.slice(1) };
  }
  if (positionals.length === 0) {
    throw new UsageError(
      `missing command: give it as one quoted string, such as runjop --id backup "tar czf /tmp/b.tgz /etc", or after '--'`,
    );
  }
  if (positionals.length > 1) {
    throw new UsageError(
      `expected one quoted command but got ${positionals.length} arguments (${positionals.map((p) => `'${p}'`).join(" ")}): quote the whole command, or put '--' before a program and its arguments`,
    );
  }
  if (positionals[0].trim() === "") throw new UsageError("missing command: the command string is empty");
  checkValidUtf8("command", positionals[0]);
  return { kind: "shell", script: positionals[0] };
}

export function stringValue(values: ParsedValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}

/** Selects DynamoDB when a table is given, else the embedded SQLite store. */
export function storeFromValues(values: ParsedValues, env: NodeJS.ProcessEnv = process.env): StoreSettings {
  const table = stringValue(values, "table");
  const region = stringValue(values, "region");
  const endpointUrl = stringValue(values, "endpoint-url");
  if (table === undefined) {
    for (const name of ["region", "endpoint-url"]) {
      if (values[name] !== undefined)
        throw new UsageError(`--${name} needs --table: without --table runjop uses the embedded store`);
    }
    const path = stringValue(values, "store-path") ?? defaultStorePath(env);
    if (path === "") throw new UsageError("invalid --store-path '': expected a file path");
    return { kind: "sqlite", path };
  }
  if (values["store-path"] !== undefined) {
    throw new UsageError(
      "--store-path and --table exclude each other: --table selects DynamoDB, --store-path the embedded store",
    );
  }
  validateDynamoEnv(env);
  return {
    kind: "dynamodb",
    table: validateTable("--table", table),
    region: region === undefined ? undefined : validateRegion("--region", region),
    endpointUrl: endpointUrl === undefined ? undefined : validateUrl("--endpoint-url", endpointUrl),
  };
}

/**
 * Checks the environment variables that the DynamoDB store reads, so that a bad value fails
 * with exit 64 before any request, as the matching option would.
 */
function validateDynamoEnv(env: NodeJS.ProcessEnv): void {
  // The SDK reads these endpoints unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true, and treats "" as unset.
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS !== "true") {
    for (const name of ["AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL"]) {
      const url = env[name];
      if (url) validateUrl(name, url);
    }
  }
  const wait = env.RUNJOP_TABLE_WAIT_SECONDS;
  if (wait !== undefined && wait !== "") parseSeconds("RUNJOP_TABLE_WAIT_SECONDS", wait);
}

/** Turns parsed argv into validated run settings, or throws a UsageError naming the bad value. */
export function runSettingsFromArgs(
  values: ParsedValues,
  positionals: string[],
  afterTerminator: string[],
): RunSettings {
  const id = validateId("--id", stringValue(values, "id"));
  const range = stringValue(values, "range");
  const lease = stringValue(values, "lease");
  const timeout = stringValue(values, "timeout");
  const node = stringValue(values, "node");
  const historyDays = stringValue(values, "history-days");
  const schedule = stringValue(values, "schedule");
  const standbyMax = stringValue(values, "standby-max");
  if (standbyMax !== undefined && values.standby !== true)
    throw new UsageError("--standby-max needs --standby: add --standby, or drop --standby-max");
  rejectRangeWithSchedule("--range", "--schedule", range, schedule);
  const rangeSeconds = range === undefined ? defaults.rangeSeconds : parseSeconds("--range", range);
  return {
    id,
    rangeSeconds,
    node: node === undefined ? defaultNode() : validateNode("--node", node),
    store: storeFromValues(values),
    command: buildCommand(positionals, afterTerminator),
    leaseSeconds: lease === undefined ? defaults.leaseSeconds : parseSeconds("--lease", lease),
    allowOverlap: values["allow-overlap"] === true,
    timeoutSeconds: timeout === undefined ? undefined : parseSeconds("--timeout", timeout),
    historyDays: historyDays === undefined ? undefined : parseHistoryDays("--history-days", historyDays),
    killGraceSeconds: defaults.killGraceSeconds,
    s3: s3LogSettings({
      s3: stringValue(values, "s3"),
      sse: stringValue(values, "s3-sse"),
      kmsKeyId: stringValue(values, "s3-kms-key-id"),
      endpointUrl: stringValue(values, "s3-endpoint-url"),
    }),
    ...(schedule === undefined ? {} : { schedule: validateSchedule("--schedule", schedule) }),
    ...(values.standby === true
      ? { standby: { maxSeconds: standbyMax === undefined ? rangeSeconds : parseSeconds("--standby-max", standbyMax) } }
      : {}),
  };
}

/** Formats option lines for --help, aligned in two columns. */
export function formatOptions(specs: OptionSpec[]): string {
  const left = specs.map((spec) => {
    const flag = `${spec.short ? `-${spec.short}, ` : "    "}--${spec.name}${spec.value ? ` ${spec.value}` : ""}`;
    return flag;
  });
  const width = Math.max(...left.map((text) => text.length)) + 2;
  return specs.map((spec, index) => `  ${left[index].padEnd(width)}${spec.help}`).join("\n");
}
