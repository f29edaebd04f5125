import type { Logger } from "../log.js";
import type { StoreSettings } from "../settings.js";
import type { Store } from "./types.js";

/**
 * Opens the configured store. Each store's module is imported only when used, so that the
 * embedded store and `--help` never load the AWS SDK. With `readOnly`, the embedded store's
 * file is opened read-only and must exist; DynamoDB ignores it.
 */
export async function openStore(
  settings: StoreSettings,
  logger: Logger,
  options: { readOnly?: boolean } = {},
): Promise<Store> {
  if (settings.kind === "sqlite") {
    const { SqliteStore } = await import("./sqlite.js");
    return SqliteStore.open(settings.path, options);
  }
  const { DynamoStore } = await import("./dynamodb.js");
  return new DynamoStore({ ...settings, logger });
}
