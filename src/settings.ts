import { homedir, hostname } from "node:os";
import { join } from "node:path";
import { UsageError } from "./errors.js";
import type { S3LogSettings } from "./upload/settings.js";
import type { RetryIdentity } from "./store/types.js";

/**
 * The command to start: a script run as `shell ...shellArgs script` (default
 * `/bin/sh -c script`), or a program and its arguments.
 */
export type Command =
  | { kind: "shell"; script: string; shell?: string; shellArgs?: string[] }
  | { kind: "exec"; file: string; args: string[] };

/** The store that keeps reservations and the activity log. */
export type StoreSettings =
  | {
      kind: "dynamodb";
      table: string;
      /** AWS region; undefined lets the SDK resolve it, then falls back to us-east-1. */
      region?: string;
      /** Endpoint of a DynamoDB-compatible server; undefined keeps the SDK's own resolution. */
      endpointUrl?: string;
    }
  | { kind: "sqlite"; path: string };

/** Everything one reservation and run needs, already validated. */
export interface RunSettings {
  /** Job name shared by every contender. */
  id: string;
  /** Seconds after a run starts during which no other run of the job may start. */
  rangeSeconds: number;
  /** This contender's name in the activity log. */
  node: string;
  store: StoreSettings;
  command: Command;
  /** Seconds a lease lasts without a heartbeat; the holder renews it every third of that, at least every hour. */
  leaseSeconds: number;
  /** When true, a run that outlasts its range does not block the next one. */
  allowOverlap: boolean;
  /** Seconds after which the command is stopped and recorded as timed out. */
  timeoutSeconds?: number;
  /** Seconds between SIGTERM (or the forwarded signal) and SIGKILL. */
  killGraceSeconds: number;
  /** Days after its start that the store may delete a run's record; undefined keeps it. */
  historyDays?: number;
  /** Working directory of the command; undefined means runjop's own. */
  workingDirectory?: string;
  /** Upload of the command's output to S3; undefined when the output only reaches the console. */
  s3?: S3LogSettings;
  /** Five-field cron expression (UTC): when given, each occurrence runs once and the range is not used. */
  schedule?: string;
  /** Reserve regardless of the range or the schedule occurrence, and record the run as forced. */
  force?: boolean;
  /** Lets a later attempt of the same contender run again after its run failed. */
  retry?: RetryIdentity;
  /** When set, a contender that loses watches the holder for up to maxSeconds and takes over a run whose holder died. */
  standby?: { maxSeconds: number };
}

export const defaults = {
  rangeSeconds: 300,
  leaseSeconds: 60,
  killGraceSeconds: 10,
  region: "us-east-1",
} as const;

/** Longest accepted range or timeout: one year, so that millisecond sums stay exact. */
const maxSeconds = 366 * 24 * 3600;

/** Parses a whole number of seconds, naming the option and value when it is not one. */
export function parseSeconds(option: string, value: string): number {
  const trimmed = value.trim();
  if (!/^[0-9]+$/.test(trimmed)) {
    throw new UsageError(
      `invalid ${option} '${value}': expected a whole number of seconds from 1 to ${maxSeconds} (366 days), such as 300`,
    );
  }
  const seconds = Number(trimmed);
  if (seconds < 1 || seconds > maxSeconds) {
    throw new UsageError(
      `invalid ${option} '${value}': expected a whole number of seconds from 1 to ${maxSeconds} (366 days), such as 300`,
    );
  }
  return seconds;
}

/** Longest accepted --history-days: 100 years. */
const maxHistoryDays = 36500;

/** Parses a whole number of days from 1 to 36500, naming the option and value when it is not one. */
export function parseHistoryDays(option: string, value: string): number {
  const trimmed = value.trim();
  const days = Number(trimmed);
  if (!/^[0-9]+$/.test(trimmed) || days < 1 || days > maxHistoryDays) {
    throw new UsageError(
      `invalid ${option} '${value}': expected a whole number of days from 1 to ${maxHistoryDays}, such as 90`,
    );
  }
  return days;
}

/** DynamoDB limits a partition key to 2048 bytes of UTF-8. */
const maxIdBytes = 2048;

/** Checks a job id: DynamoDB's key limits, and no control characters that would break log lines. */
export function validateId(option: string, id: string | undefined): string {
  if (id === undefined || id === "") {
    throw new UsageError(
      `missing ${option}: give the job a name shared by all hosts, such as ${option} nightly-report`,
    );
  }
  if (Buffer.byteLength(id, "utf8") > maxIdBytes) {
    throw new UsageError(
      `invalid ${option}: ${Buffer.byteLength(id, "utf8")} bytes is longer than DynamoDB's ${maxIdBytes}-byte key limit`,
    );
  }
  checkPrintable(option, id);
  return id;
}

/** Checks a contender name: non-empty, printable, at most 255 characters. */
export function validateNode(option: string, node: string): string {
  if (node === "") throw new UsageError(`invalid ${option} '': expected a non-empty name for this contender`);
  if (node.length > 255) throw new UsageError(`invalid ${option}: ${node.length} characters is longer than 255`);
  checkPrintable(option, node);
  return node;
}

/**
 * Rejects characters that break or disguise a log line: C0 and C1 control characters, DEL,
 * U+2028 and U+2029 (line breaks in many viewers), and unpaired surrogates. Bidirectional text
 * controls are rejected because they can make one id display as another. U+FFFD is rejected
 * because Node puts it in place of invalid UTF-8 in argv, which would turn distinct byte
 * strings into one name.
 */
function checkPrintable(option: string, value: string): void {
  for (const character of value) {
    const reason = disallowedCharacter(character);
    if (reason !== undefined) {
      throw new UsageError(
        `invalid ${option} ${quoteForMessage(value)}: contains ${codePoint(character)}, ${reason}; control characters, bidirectional controls and U+FFFD are not allowed`,
      );
    }
  }
}

/** Returns why a character is not allowed in a name, or undefined when it is allowed. */
function disallowedCharacter(character: string): string | undefined {
  const code = character.codePointAt(0) ?? 0;
  if (code <= 0x1f || code === 0x7f) return "a control character";
  if (code >= 0x80 && code <= 0x9f) return "a C1 control character";
  if (code === 0x2028 || code === 0x2029) return "a line or paragraph separator";
  if (code === 0x061c || code === 0x200e || code === 0x200f || (code >= 0x202a && code <= 0x202e))
    return "a bidirectional text control";
  if (code >= 0x2066 && code <= 0x2069) return "a bidirectional text control";
  if (code >= 0xd800 && code <= 0xdfff) return "an unpaired surrogate";
  if (code === 0xfffd) return replacementCharacterReason;
  return undefined;
}

const replacementCharacterReason =
  "the replacement character, which Node substitutes for bytes that are not valid UTF-8";

/** Formats a code point as U+XXXX. */
export function codePoint(character: string): string {
  return `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * Quotes a value for an error line as JSON does, and also escapes the characters that JSON leaves
 * as they are but that are not allowed in a name, so that the line shows them as \uXXXX.
 */
export function quoteForMessage(value: string): string {
  return JSON.stringify(value).replace(
    /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffd]/g,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * Rejects a command argument that contains U+FFFD. Node decodes argv as UTF-8 and replaces
 * invalid bytes with U+FFFD before runjop reads them, so such an argument would run changed.
 * NOTE: a valid UTF-8 U+FFFD (EF BF BD) is rejected as well, because argv no longer shows
 * which one the caller wrote.
 */
export function checkValidUtf8(name: string, value: string): void {
  if (value.includes("\uFFFD")) {
    throw new UsageError(
      `invalid ${name} ${quoteForMessage(value)}: contains U+FFFD, ${replacementCharacterReason}; runjop passes arguments as UTF-8 and cannot pass other bytes, so give valid UTF-8`,
    );
  }
}

/** Checks a table name against DynamoDB's rule: 3 to 255 of A-Z a-z 0-9 _ - . */
export function validateTable(option: string, table: string): string {
  if (!/^[A-Za-z0-9_.-]{3,255}$/.test(table)) {
    throw new UsageError(
      `invalid ${option} '${table}': DynamoDB table names are 3 to 255 characters of A-Z, a-z, 0-9, '_', '-' and '.'`,
    );
  }
  return table;
}

export function validateRegion(option: string, region: string): string {
  if (!/^[a-z0-9-]{2,32}$/.test(region)) {
    throw new UsageError(`invalid ${option} '${region}': expected an AWS region name such as eu-west-1`);
  }
  return region;
}

export function validateUrl(option: string, url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`invalid ${option} '${url}': expected a URL such as http://127.0.0.1:8000`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new UsageError(`invalid ${option} '${url}': expected an http:// or https:// URL`);
  }
  return url;
}

/** Returns the embedded store's default file: $XDG_STATE_HOME/runjop/runjop.sqlite, else ~/.local/state. */
export function defaultStorePath(env: NodeJS.ProcessEnv = process.env): string {
  const stateHome =
    env.XDG_STATE_HOME && env.XDG_STATE_HOME.startsWith("/") ? env.XDG_STATE_HOME : join(homedir(), ".local", "state");
  return join(stateHome, "runjop", "runjop.sqlite");
}

export function defaultNode(): string {
  return hostname();
}
