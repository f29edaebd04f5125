import * as core from "@actions/core";
import type { Logger } from "../log.js";

/**
 * The action's names for the CLI options that shared messages give as advice. The action has no
 * S3 endpoint input, and the AWS SDK reads the S3 endpoint from AWS_ENDPOINT_URL_S3.
 */
const actionNames: Record<string, string> = {
  id: "input id",
  node: "input node",
  range: "input range",
  lease: "input lease",
  schedule: "input schedule",
  force: "input force",
  table: "input table",
  region: "input region",
  "endpoint-url": "input endpoint-url",
  s3: "input s3",
  "s3-endpoint-url": "AWS_ENDPOINT_URL_S3",
};

/** A quoted value ('...' or a JSON string) or a CLI option such as --endpoint-url. */
const quotedOrOption = /'[^']*'|"(?:[^"\\]|\\.)*"|(?<![\w-])--([a-z0-9][a-z0-9-]*)/g;

/**
 * Rewrites the CLI options that a shared message names into the action's inputs, such as
 * --endpoint-url into input endpoint-url. Quoted values and unknown options stay as they are.
 */
export function inActionTerms(message: string): string {
  return message.replace(quotedOrOption, (whole, option: string | undefined) =>
    option !== undefined && Object.hasOwn(actionNames, option) ? actionNames[option] : whole,
  );
}

/**
 * Sends runjop's log lines to the step log through the toolkit. Debug lines show when the
 * workflow enables step debug logging; warnings and errors also become annotations, in the
 * action's input names.
 */
export class ActionLogger implements Logger {
  debug(message: string): void {
    core.debug(message);
  }
  info(message: string): void {
    core.info(`runjop: ${message}`);
  }
  warn(message: string): void {
    core.warning(inActionTerms(message));
  }
  error(message: string): void {
    core.error(inActionTerms(message));
  }
}
