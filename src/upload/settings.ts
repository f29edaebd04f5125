import { UsageError } from "../errors.js";
import { validateUrl } from "../settings.js";

/** Server-side encryption that S3 applies to the log object. */
export type S3Encryption = "AES256" | "aws:kms";

/** Validated settings of the upload of the command's output to S3. */
export interface S3LogSettings {
  bucket: string;
  /** Key prefix without a trailing slash; empty for the bucket's root. */
  prefix: string;
  sse?: S3Encryption;
  /** KMS key id, ARN or alias; only with sse "aws:kms". */
  kmsKeyId?: string;
  /** Endpoint of an S3-compatible server; undefined keeps the SDK's own resolution. */
  endpointUrl?: string;
}

/** S3 keys are at most 1024 bytes; the prefix leaves room for the generated name. */
const maxPrefixBytes = 700;

/**
 * Bucket names as S3 accepts them today (3 to 63 characters of a-z, 0-9, '.', '-'), plus the
 * upper-case letters and '_' that some older us-east-1 buckets have.
 */
const bucketPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{1,253}[A-Za-z0-9]$/;

/** Parses `s3://BUCKET[/PREFIX]` into a bucket and a prefix without slashes at either end. */
export function parseS3Url(option: string, value: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]*)(?:\/(.*))?$/.exec(value);
  if (!match) {
    throw new UsageError(`invalid ${option} '${value}': expected s3://BUCKET or s3://BUCKET/PREFIX`);
  }
  const bucket = match[1];
  if (!bucketPattern.test(bucket)) {
    throw new UsageError(
      `invalid ${option} '${value}': bucket '${bucket}' is not a valid S3 bucket name (3 to 63 characters of a-z, 0-9, '.' and '-'; older us-east-1 buckets may also use A-Z and '_')`,
    );
  }
  const prefix = (match[2] ?? "").replace(/^\/+|\/+$/g, "");
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(prefix)) {
    throw new UsageError(
      `invalid ${option} ${JSON.stringify(value)}: control characters are not allowed in the prefix`,
    );
  }
  if (Buffer.byteLength(prefix, "utf8") > maxPrefixBytes) {
    throw new UsageError(
      `invalid ${option}: the prefix is ${Buffer.byteLength(prefix, "utf8")} bytes, longer than ${maxPrefixBytes}`,
    );
  }
  return { bucket, prefix };
}

export interface S3OptionValues {
  s3?: string;
  sse?: string;
  kmsKeyId?: string;
  endpointUrl?: string;
}

/** Validates the S3 options; returns undefined when --s3 is not given and no other S3 option is. */
export function s3LogSettings(values: S3OptionValues): S3LogSettings | undefined {
  if (values.s3 === undefined) {
    const others: Array<[string, string | undefined]> = [
      ["--s3-sse", values.sse],
      ["--s3-kms-key-id", values.kmsKeyId],
      ["--s3-endpoint-url", values.endpointUrl],
    ];
    for (const [option, value] of others) {
      if (value !== undefined)
        throw new UsageError(`${option} needs --s3 s3://BUCKET[/PREFIX]: without --s3 the output is not uploaded`);
    }
    return undefined;
  }
  const { bucket, prefix } = parseS3Url("--s3", values.s3);
  let sse: S3Encryption | undefined;
  if (values.sse !== undefined) {
    if (values.sse !== "AES256" && values.sse !== "aws:kms") {
      throw new UsageError(`invalid --s3-sse '${values.sse}': expected AES256 or aws:kms`);
    }
    sse = values.sse;
  }
  if (values.kmsKeyId !== undefined) {
    if (sse !== "aws:kms") throw new UsageError("--s3-kms-key-id needs --s3-sse aws:kms");
    if (!/^[A-Za-z0-9:/_.-]{1,2048}$/.test(values.kmsKeyId)) {
      throw new UsageError(
        `invalid --s3-kms-key-id '${values.kmsKeyId}': expected a KMS key id, key ARN, alias name or alias ARN`,
      );
    }
  }
  return {
    bucket,
    prefix,
    ...(sse ? { sse } : {}),
    ...(values.kmsKeyId !== undefined ? { kmsKeyId: values.kmsKeyId } : {}),
    ...(values.endpointUrl !== undefined ? { endpointUrl: validateUrl("--s3-endpoint-url", values.endpointUrl) } : {}),
  };
}
