import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  GetItemCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  ScanCommand,
  UpdateItemCommand,
  UpdateTimeToLiveCommand,
  type AttributeValue,
  type DynamoDBClient,
  type CreateTableCommandInput,
} from "@aws-sdk/client-dynamodb";
import type { Logger } from "../log.js";
import { describeAwsError } from "./dynamodb.js";
import type { Head, InitResult, ReleaseRequest, ReleaseResult } from "./types.js";

/**
 * Returns the table's CreateTable input: partition key job_id (S), sort key counter (N), and
 * on-demand billing, as both `runjop init` and a run on a missing table create it.
 */
export function tableDefinition(table: string): CreateTableCommandInput {
  return {
    TableName: table,
    AttributeDefinitions: [
      { AttributeName: "job_id", AttributeType: "S" },
      { AttributeName: "counter", AttributeType: "N" },
    ],
    KeySchema: [
      { AttributeName: "job_id", KeyType: "HASH" },
      { AttributeName: "counter", KeyType: "RANGE" },
    ],
    BillingMode: "PAY_PER_REQUEST",
  };
}

type Item = Record<string, AttributeValue>;

/** Attribute that DynamoDB's time to live reads: seconds since the epoch, written on run items only. */
export const ttlAttribute = "expires_at";

/** Release attempts when the head changes between the read and the conditional write. */
const releaseAttempts = 3;

/**
 * Reads every head record (counter 0) with a paginated Scan. A Scan reads the whole table, runs
 * included, so its cost grows with the history kept; `runjop history --id` uses a Query instead.
 */
export async function scanHeadItems(client: DynamoDBClient, table: string): Promise<Item[]> {
  const heads: Item[] = [];
  let startKey: Item | undefined;
  do {
    const output = await client.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: "#counter = :zero",
        ExpressionAttributeNames: { "#counter": "counter" },
        ExpressionAttributeValues: { ":zero": { N: "0" } },
        ExclusiveStartKey: startKey,
        ConsistentRead: true,
      }),
    );
    heads.push(...(output.Items ?? []));
    startKey = output.LastEvaluatedKey;
  } while (startKey);
  return heads;
}

/**
 * Marks the head and the holder's run item `released`, with the releasing node and time. The head
 * write is conditional on the token that was read, so that a contender that reserved the job in the
 * meantime keeps it; on such a race the head is read again, at most `releaseAttempts` times.
 */
export async function releaseJob(
  client: DynamoDBClient,
  table: string,
  request: ReleaseRequest,
  parseHead: (item: Item) => Head,
): Promise<ReleaseResult> {
  for (let attempt = 1; ; attempt++) {
    const output = await client.send(
      new GetItemCommand({
        TableName: table,
        Key: key(request.jobId, 0),
        ConsistentRead: true,
      }),
    );
    if (!output.Item) return { kind: "not_found" };
    const head = parseHead(output.Item);
    if (head.state !== "running") return { kind: "not_running", head };
    if (!request.force && head.leaseUntilMs >= request.nowMs) return { kind: "lease_live", head };

    const values: Item = {
      ":released": { S: "released" },
      ":running": { S: "running" },
      ":token": { S: head.token },
      ":node": { S: request.node },
      ":now": { N: String(request.nowMs) },
    };
    try {
      await client.send(
        new UpdateItemCommand({
          TableName: table,
          Key: key(request.jobId, 0),
          UpdateExpression: "SET #state = :released, #lease = :now, released_by = :node, released_ms = :now",
          ConditionExpression: `#token = :token AND #state = :running${request.force ? "" : " AND #lease < :now"}`,
          ExpressionAttributeNames: {
            "#state": "state",
            "#lease": "lease_until_ms",
            "#token": "token",
          },
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException && attempt < releaseAttempts) continue;
      throw error;
    }
    await client
      .send(
        new UpdateItemCommand({
          TableName: table,
          Key: key(request.jobId, head.counter),
          UpdateExpression: "SET #state = :released, released_by = :node, released_ms = :now",
          ConditionExpression: "#token = :token AND #state = :running",
          ExpressionAttributeNames: { "#state": "state", "#token": "token" },
          ExpressionAttributeValues: values,
        }),
      )
      .catch((error) => {
        // The run item is missing when its start record was lost, or finished in the meantime.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      });
    return { kind: "released", head };
  }
}

/**
 * Creates the table with on-demand billing unless it exists, waits until it is ACTIVE, and enables
 * time to live on `expires_at`. Point-in-time recovery is left as it is: off on a new table.
 */
export async function initializeTable(
  client: DynamoDBClient,
  table: string,
  logger: Logger,
  waitMs: number,
): Promise<InitResult> {
  let created = false;
  try {
    await client.send(new DescribeTableCommand({ TableName: table }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    try {
      await client.send(new CreateTableCommand(tableDefinition(table)));
      created = true;
      logger.info(`creating table ${table} with on-demand billing`);
    } catch (createError) {
      if (!(createError instanceof ResourceInUseException)) throw createError;
    }
  }
  await waitUntilActive(client, table, waitMs);

  const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: table }));
  const description = ttl.TimeToLiveDescription;
  const status = description?.TimeToLiveStatus ?? "DISABLED";
  if (status === "ENABLED" || status === "ENABLING") {
    if (description?.AttributeName !== ttlAttribute) {
      throw new TableSetupError(
        `table ${table} has time to live on attribute '${description?.AttributeName}', but runjop writes '${ttlAttribute}': disable it on the table, then run 'runjop init' again`,
      );
    }
    logger.info(`time to live is already ${status.toLowerCase()} on attribute ${ttlAttribute}`);
  } else {
    try {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: table,
          TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true },
        }),
      );
    } catch (error) {
      // Some DynamoDB-compatible servers, such as dynalite, do not implement UpdateTimeToLive.
      throw new TableSetupError(`cannot enable TTL on ${ttlAttribute} (UpdateTimeToLive): ${describeAwsError(error)}`, {
        cause: error,
      });
    }
    logger.info(`time to live enabled on attribute ${ttlAttribute}`);
  }
  return { created, ttlAttribute };
}

/** A table whose settings conflict with runjop's. */
export class TableSetupError extends Error {
  override name = "TableSetupError";
}

/** Polls DescribeTable until the table is ACTIVE, for at most `waitMs`; a table not found yet is waited for. */
export async function waitUntilActive(client: DynamoDBClient, table: string, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  let status = "missing";
  while (Date.now() < deadline) {
    try {
      const output = await client.send(new DescribeTableCommand({ TableName: table }));
      status = output.Table?.TableStatus ?? "unknown";
      if (status === "ACTIVE") return;
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 250 + Math.random() * 250));
  }
  throw new TableSetupError(
    `table ${table} did not become ACTIVE within ${Math.round(waitMs / 1000)} s (last status: ${status})`,
  );
}

function key(jobId: string, counter: number): Item {
  return { job_id: { S: jobId }, counter: { N: String(counter) } };
}
