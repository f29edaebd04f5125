import * as core from "@actions/core";
import type { Logger } from "../log.js";

/**
 * Sends runjop's log lines to the step log through the toolkit. Debug lines show when the
 * workflow enables step debug logging; warnings and errors also become annotations.
 */
export class ActionLogger implements Logger {
  debug(message: string): void {
    core.debug(message);
  }
  info(message: string): void {
    core.info(`runjop: ${message}`);
  }
  warn(message: string): void {
    core.warning(message);
  }
  error(message: string): void {
    core.error(message);
  }
}
