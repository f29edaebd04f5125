import { DynamoDBClient, QueryCommand, type AttributeValue } from "@aws-sdk/client-dynamodb";

export type Item = Record<string, AttributeValue>;

/** A client of the test's own, straight to the server, for reading what runjop wrote. */
export function tableClient(url: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: url,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
}

/** Reads every item of a job, head (counter 0) first, with a consistent read. */
export async function jobItems(client: DynamoDBClient, table: string, id: string): Promise<Item[]> {
  const output = await client.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: "job_id = :id",
      ExpressionAttributeValues: { ":id": { S: id } },
      ConsistentRead: true,
    }),
  );
  return output.Items ?? [];
}

/** Returns the run items of a job (counter 1, 2, ...) as [counter, node, state] rows. */
export async function runRows(client: DynamoDBClient, table: string, id: string): Promise<[string, string, string][]> {
  const items = await jobItems(client, table, id);
  return items
    .filter((item) => item.counter.N !== "0")
    .map((item) => [item.counter.N!, item.node?.S ?? "", item.state?.S ?? ""]);
}
