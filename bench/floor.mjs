// The floor of the skip path: start Node, load the AWS SDK's DynamoDB client from
// node_modules (unbundled, no compile cache), send one GetItem, and exit.
// Usage: node bench/floor.mjs ENDPOINT_URL TABLE JOB_ID
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";

const [endpoint, table, jobId] = process.argv.slice(2);
const client = new DynamoDBClient({
  endpoint,
  region: process.env.AWS_REGION ?? "us-east-1",
});
const output = await client.send(
  new GetItemCommand({
    TableName: table,
    Key: { job_id: { S: jobId }, counter: { N: "0" } },
  }),
);
client.destroy();
process.stdout.write(output.Item ? "found\n" : "missing\n");
