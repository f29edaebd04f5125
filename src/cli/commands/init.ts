import { UsageError } from "../../errors.js";
import type { StoreSettings } from "../../settings.js";
import { storeOptions } from "../options.js";
import { helpOption, type Subcommand } from "./common.js";

/**
 * DynamoDB actions runjop calls, by use. The policy that init prints and its --help are both
 * built from these lists, and a test compares them with the commands the store's source sends.
 */
const tableActions = {
  runAndRead: ["UpdateItem", "PutItem", "GetItem", "DeleteItem", "Query"],
  listJobs: ["Scan"],
  createTable: ["CreateTable", "DescribeTable", "DescribeTimeToLive", "UpdateTimeToLive"],
};

export const initCommand: Subcommand = {
  name: "init",
  usage: `Usage: runjop init [--table NAME] [--s3 s3://BUCKET[/PREFIX]] [store options]

Creates the store and prints the minimal IAM policy for it as JSON on stdout.
With --table: creates the DynamoDB table with on-demand billing unless it exists,
waits until it is ACTIVE, and enables time to live on the attribute expires_at.
Point-in-time recovery stays off. A run started with --history-days N writes
expires_at on its item, and DynamoDB deletes the item after that time; the head
record (counter 0) never carries it. Without --table: creates the embedded store's
SQLite file.
`,
  epilog: `The policy names the table (and, with --s3, the bucket prefix) and only the actions
runjop calls:
  runs, status, release and check:  ${tableActions.runAndRead.join(", ")}
  history without --id:             ${tableActions.listJobs.join(", ")}
  init and a run's first use:       ${tableActions.createTable.join(", ")}

Exit status:
  0   the store is ready and the policy was printed
  64  invalid options, or a --store-path file that is not a usable runjop store
  75  the store could not be created or set up; the policy is still printed when the
      store could be reached
`,
  options: [
    {
      name: "s3",
      type: "string",
      value: "URL",
      help: "S3 location of uploaded logs, s3://BUCKET[/PREFIX], added to the policy",
    },
    ...storeOptions,
    helpOption,
  ],
  async run({ values, storeSettings, openStore, out, logger }) {
    const s3 = typeof values.s3 === "string" ? parseS3Url(values.s3) : undefined;
    const policy = buildPolicy(storeSettings, s3);
    const printPolicy = () => {
      if (policy) out(`${JSON.stringify(policy, null, 2)}\n`);
    };
    const store = await openStore();
    let result;
    try {
      result = await store.initialize();
    } catch (error) {
      // The policy does not depend on the table, and an operator may need it to fix the failure.
      printPolicy();
      throw error;
    }
    if (storeSettings.kind === "sqlite") {
      logger.info(`${result.created ? "created" : "using the existing"} ${store.description}`);
    } else {
      logger.info(
        `${result.created ? "created" : "found"} ${store.description}; it is ACTIVE, with time to live on ${result.ttlAttribute}`,
      );
    }
    printPolicy();
    return 0;
  },
};

/** A bucket and an optional key prefix without slashes at either end. */
export interface S3Location {
  bucket: string;
  prefix: string;
}

/** Parses s3://BUCKET[/PREFIX], checking the bucket against S3's naming rule. */
export function parseS3Url(url: string): S3Location {
  const match = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(url);
  if (!match || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(match[1])) {
    throw new UsageError(
      `invalid --s3 '${url}': expected s3://BUCKET or s3://BUCKET/PREFIX, with a bucket name of 3 to 63 characters of a-z, 0-9, '.' and '-'`,
    );
  }
  return {
    bucket: match[1],
    prefix: (match[2] ?? "").replace(/^\/+|\/+$/g, ""),
  };
}

interface Statement {
  Sid: string;
  Effect: "Allow";
  Action: string[];
  Resource: string;
}

/**
 * Builds the IAM policy for the actions runjop calls on the table and the log bucket. The ARN
 * names the region given with --region, else any region, and any account. NOTE: the ARNs use the
 * "aws" partition, so the China and GovCloud partitions need "aws-cn" or "aws-us-gov" instead.
 */
export function buildPolicy(
  store: StoreSettings,
  s3: S3Location | undefined,
): { Version: string; Statement: Statement[] } | undefined {
  const statements: Statement[] = [];
  if (store.kind === "dynamodb") {
    const table = `arn:aws:dynamodb:${store.region ?? "*"}:*:table/${store.table}`;
    statements.push(
      {
        Sid: "RunjopRunAndRead",
        Effect: "Allow",
        Action: tableActions.runAndRead.map((action) => `dynamodb:${action}`),
        Resource: table,
      },
      {
        Sid: "RunjopListJobs",
        Effect: "Allow",
        Action: tableActions.listJobs.map((action) => `dynamodb:${action}`),
        Resource: table,
      },
      {
        Sid: "RunjopCreateTable",
        Effect: "Allow",
        Action: tableActions.createTable.map((action) => `dynamodb:${action}`),
        Resource: table,
      },
    );
  }
  if (s3) {
    statements.push({
      Sid: "RunjopUploadLogs",
      Effect: "Allow",
      Action: ["s3:PutObject", "s3:AbortMultipartUpload"],
      Resource: `arn:aws:s3:::${s3.bucket}/${s3.prefix ? `${s3.prefix}/` : ""}*`,
    });
  }
  return statements.length > 0 ? { Version: "2012-10-17", Statement: statements } : undefined;
}
