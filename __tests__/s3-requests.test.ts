import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createClient } from "../src/upload/s3log.js";
import { cliEnv, runCli } from "./helpers/cli.js";
import { closeServer, s3AwsEnv, type S3Request, useS3rver } from "./helpers/servers.js";

const bucket = "request-logs";
const fixture = useS3rver(bucket);

/** Six MiB of output: more than one 5 MiB part, so that the upload is a multipart upload. */
const multipartScript = "head -c 6291456 /dev/zero | tr '\\0' 'a'; echo; echo done";

interface UploadRun {
  code: number | null;
  stderr: string;
  /** Key of the run's object, or undefined when none landed. */
  key: string | undefined;
  /** Requests that reached s3rver during the run, in arrival order. */
  requests: S3Request[];
}

/** Runs runjop with --s3 and returns its exit status, stderr, the key of its object and the S3 requests it made. */
async function runUpload(
  id: string,
  script: string,
  options: { args?: string[]; env?: NodeJS.ProcessEnv; endpointOption?: boolean } = {},
): Promise<UploadRun> {
  const before = fixture.s3.requests.length;
  const endpoint = options.endpointOption === false ? [] : ["--s3-endpoint-url", fixture.s3.url];
  const result = await runCli(
    ["--id", id, "--node", "host-a", "--s3", `s3://${bucket}/logs`, ...endpoint, ...(options.args ?? []), "-q", script],
    { env: cliEnv(s3AwsEnv(options.env)) },
  );
  const requests = fixture.s3.requests.slice(before);
  const listing = await fixture.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `logs/runjop-${id}-` }));
  const keys = (listing.Contents ?? []).map((object) => object.Key!);
  expect(keys.length).toBeLessThanOrEqual(1);
  return { code: result.code, stderr: result.stderr, key: keys[0], requests };
}

async function getText(key: string | undefined): Promise<string> {
  if (key === undefined) throw new Error("no object landed");
  const output = await fixture.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return output.Body!.transformToString("utf8");
}

function isCreateMultipartUpload(request: S3Request): boolean {
  return request.method === "POST" && /[?&]uploads(=|&|$)/.test(request.url);
}

function isUploadPart(request: S3Request): boolean {
  return request.method === "PUT" && /[?&]partNumber=/.test(request.url);
}

/** Names of the headers through which the SDK sends or announces an integrity checksum. */
function checksumHeaders(request: S3Request): string[] {
  return Object.keys(request.headers).filter(
    (name) =>
      name.startsWith("x-amz-checksum-") ||
      name === "x-amz-sdk-checksum-algorithm" ||
      name === "x-amz-trailer" ||
      name === "content-md5",
  );
}

/** Region in the credential scope of a SigV4 Authorization header: Credential=KEY/DATE/REGION/s3/aws4_request. */
function signedRegion(request: S3Request): string | undefined {
  return /Credential=[^/]+\/\d{8}\/([^/]+)\/s3\/aws4_request/.exec(String(request.headers.authorization ?? ""))?.[1];
}

/** Starts an HTTP server on loopback that counts requests and responds with 503, for endpoints that runjop must not use. */
async function startDecoy(): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((request, response) => {
    hits += 1;
    request.resume();
    response.writeHead(503);
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits: () => hits,
    close: () => closeServer(server),
  };
}

// s3rver 3.7.1 neither checks nor stores the encryption headers, so these tests check the
// requests and that the object lands.
describe("runjop --s3-sse", () => {
  test("AES256 reaches CreateMultipartUpload", async () => {
    const run = await runUpload("sse-aes", multipartScript, { args: ["--s3-sse", "AES256"] });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    const creates = run.requests.filter(isCreateMultipartUpload);
    expect(creates).toHaveLength(1);
    expect(creates[0].headers["x-amz-server-side-encryption"]).toBe("AES256");
    expect(creates[0].headers["x-amz-server-side-encryption-aws-kms-key-id"]).toBeUndefined();
    expect(run.requests.filter(isUploadPart)).toHaveLength(2);
    expect(await getText(run.key)).toContain("a\ndone\n== finished: succeeded");
  });

  test("aws:kms sends the key id", async () => {
    const run = await runUpload("sse-kms", multipartScript, {
      args: ["--s3-sse", "aws:kms", "--s3-kms-key-id", "alias/job-logs"],
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    const creates = run.requests.filter(isCreateMultipartUpload);
    expect(creates).toHaveLength(1);
    expect(creates[0].headers["x-amz-server-side-encryption"]).toBe("aws:kms");
    expect(creates[0].headers["x-amz-server-side-encryption-aws-kms-key-id"]).toBe("alias/job-logs");
    expect(await getText(run.key)).toContain("a\ndone\n== finished: succeeded");
  });

  test("small output sends it on PutObject", async () => {
    const run = await runUpload("sse-small", "echo small", { args: ["--s3-sse", "AES256"] });
    expect(run.code).toBe(0);
    const puts = run.requests.filter((request) => request.method === "PUT");
    expect(puts).toHaveLength(1);
    expect(puts[0].headers["x-amz-server-side-encryption"]).toBe("AES256");
    expect(await getText(run.key)).toContain("\nsmall\n== finished: succeeded");
  });
});

describe("runjop --s3 checksums", () => {
  test("custom endpoint sends no checksums", async () => {
    const run = await runUpload("checksum-default", multipartScript);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expect(run.requests.filter(isUploadPart)).toHaveLength(2);
    for (const request of run.requests) {
      expect({ method: request.method, url: request.url, headers: checksumHeaders(request) }).toEqual({
        method: request.method,
        url: request.url,
        headers: [],
      });
      expect(request.headers["content-encoding"]).toBeUndefined();
    }
    expect(await getText(run.key)).toContain("a\ndone\n== finished: succeeded");
  });

  test("AWS_REQUEST_CHECKSUM_CALCULATION=WHEN_SUPPORTED sends them", async () => {
    const run = await runUpload("checksum-env", multipartScript, {
      env: { AWS_REQUEST_CHECKSUM_CALCULATION: "WHEN_SUPPORTED" },
    });
    // s3rver 3.7.1 neither checks nor rejects checksum headers, so the upload succeeds as on S3.
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    const creates = run.requests.filter(isCreateMultipartUpload);
    expect(creates).toHaveLength(1);
    expect(creates[0].headers["x-amz-checksum-algorithm"]).toBe("CRC32");
    const parts = run.requests.filter(isUploadPart);
    expect(parts).toHaveLength(2);
    for (const part of parts) {
      expect(part.headers["x-amz-sdk-checksum-algorithm"]).toBe("CRC32");
      expect(part.headers["x-amz-checksum-crc32"]).toMatch(/^[A-Za-z0-9+/]{6}==$/);
    }
    expect(await getText(run.key)).toContain("a\ndone\n== finished: succeeded");
  });
});

describe("runjop --s3 endpoint from the environment", () => {
  let decoy: Awaited<ReturnType<typeof startDecoy>>;
  beforeAll(async () => {
    decoy = await startDecoy();
  });
  afterAll(async () => {
    await decoy.close();
  });

  test("AWS_ENDPOINT_URL_S3 is addressed path-style", async () => {
    // The SDK addresses an IP address path-style by itself, so only a host name shows the
    // setting. Virtual-hosted style would send the requests to request-logs.localhost.
    const run = await runUpload("env-endpoint", "echo via env", {
      endpointOption: false,
      env: { AWS_ENDPOINT_URL_S3: `http://localhost:${fixture.s3.port}` },
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expect(run.requests.length).toBeGreaterThan(0);
    for (const request of run.requests) {
      expect(request.url.startsWith(`/${bucket}/logs/runjop-env-endpoint-`)).toBe(true);
      expect(request.headers.host).toBe(`localhost:${fixture.s3.port}`);
      // Path style also means the default checksums are off, as for --s3-endpoint-url.
      expect(checksumHeaders(request)).toEqual([]);
    }
    expect(await getText(run.key)).toContain("\nvia env\n== finished: succeeded");
  });

  test("AWS_ENDPOINT_URL_S3 wins over AWS_ENDPOINT_URL", async () => {
    const hitsBefore = decoy.hits();
    const run = await runUpload("env-s3-wins", "echo s3 wins", {
      endpointOption: false,
      env: { AWS_ENDPOINT_URL_S3: fixture.s3.url, AWS_ENDPOINT_URL: decoy.url },
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expect(decoy.hits() - hitsBefore).toBe(0);
    expect(await getText(run.key)).toContain("\ns3 wins\n== finished: succeeded");
  });

  test("AWS_ENDPOINT_URL alone reaches the server", async () => {
    const run = await runUpload("env-generic", "echo generic", {
      endpointOption: false,
      env: { AWS_ENDPOINT_URL: fixture.s3.url },
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    for (const request of run.requests) expect(request.url.startsWith(`/${bucket}/`)).toBe(true);
    expect(await getText(run.key)).toContain("\ngeneric\n== finished: succeeded");
  });

  test("--s3-endpoint-url wins over the environment", async () => {
    const hitsBefore = decoy.hits();
    const run = await runUpload("option-wins", "echo option wins", {
      env: { AWS_ENDPOINT_URL_S3: decoy.url, AWS_ENDPOINT_URL: decoy.url },
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expect(decoy.hits() - hitsBefore).toBe(0);
    expect(await getText(run.key)).toContain("\noption wins\n== finished: succeeded");
  });

  test("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true ignores AWS_ENDPOINT_URL_S3", async () => {
    // With the variable set and no --s3-endpoint-url, the SDK would send the requests to AWS.
    // A test on loopback therefore shows that the variable leaves --s3-endpoint-url in force.
    const hitsBefore = decoy.hits();
    const run = await runUpload("ignore-env", "echo ignored", {
      env: { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true", AWS_ENDPOINT_URL_S3: decoy.url },
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expect(decoy.hits() - hitsBefore).toBe(0);
    for (const request of run.requests) {
      expect(request.url.startsWith(`/${bucket}/`)).toBe(true);
      expect(checksumHeaders(request)).toEqual([]);
    }
    expect(await getText(run.key)).toContain("\nignored\n== finished: succeeded");
  });
});

describe("createClient endpoint detection", () => {
  const settings = { bucket, prefix: "" };
  const cases: Array<[string, { endpointUrl?: string }, NodeJS.ProcessEnv, boolean]> = [
    ["no endpoint", {}, {}, false],
    ["--s3-endpoint-url", { endpointUrl: "http://127.0.0.1:9" }, {}, true],
    ["AWS_ENDPOINT_URL_S3", {}, { AWS_ENDPOINT_URL_S3: "http://127.0.0.1:9" }, true],
    ["AWS_ENDPOINT_URL", {}, { AWS_ENDPOINT_URL: "http://127.0.0.1:9" }, true],
    ["empty AWS_ENDPOINT_URL_S3", {}, { AWS_ENDPOINT_URL_S3: "" }, false],
    [
      "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true",
      {},
      { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true", AWS_ENDPOINT_URL_S3: "http://127.0.0.1:9" },
      false,
    ],
  ];

  // The CLI tests above cover the endpoints on loopback; these cover the cases that would reach AWS.
  test.each(cases)("%s", (_name, option, env, pathStyle) => {
    const s3Client = createClient({ ...settings, ...option }, env);
    try {
      expect(s3Client.config.forcePathStyle).toBe(pathStyle);
    } finally {
      s3Client.destroy();
    }
  });
});

/** Sends the response S3 sends to a request for a bucket that lives in another region. */
function answerPermanentRedirect(request: IncomingMessage, response: ServerResponse, region: string): void {
  // A response sent while the client still writes the body makes its socket fail with EPIPE.
  request.resume();
  request.on("end", () => {
    const body =
      '<?xml version="1.0" encoding="UTF-8"?><Error><Code>PermanentRedirect</Code>' +
      "<Message>The bucket you are attempting to access must be addressed using the specified endpoint. " +
      "Please send all future requests to this endpoint.</Message>" +
      `<Endpoint>${bucket}.s3.${region}.amazonaws.com</Endpoint><Bucket>${bucket}</Bucket>` +
      "<RequestId>0000000000000000</RequestId><HostId>test</HostId></Error>";
    response.writeHead(301, {
      "content-type": "application/xml",
      "content-length": Buffer.byteLength(body),
      "x-amz-bucket-region": region,
    });
    response.end(body);
  });
}

describe("runjop --s3 bucket in another region", () => {
  test.each([
    ["small output", "redirect-small", "echo moved"],
    ["multipart output", "redirect-multipart", multipartScript],
  ])("%s follows PermanentRedirect", async (_name, id, script) => {
    let redirected = 0;
    fixture.s3.intercept = (request, response) => {
      if (redirected > 0 || !(request.url ?? "").startsWith(`/${bucket}/`)) return false;
      redirected += 1;
      answerPermanentRedirect(request, response, "eu-west-1");
      return true;
    };
    const run = await runUpload(id, script);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expect(redirected).toBe(1);
    const [first, retry] = run.requests;
    expect(signedRegion(first)).toBe("us-east-1");
    expect(retry.method).toBe(first.method);
    expect(retry.url).toBe(first.url);
    expect(signedRegion(retry)).toBe("eu-west-1");
    expect(await getText(run.key)).toMatch(/\n== finished: succeeded, exit status 0/);
  });

  test("every command follows its own redirect", async () => {
    // S3 redirects each request signed for the wrong region, and the SDK does not remember the
    // bucket's region between commands, so each command of the multipart upload is sent twice.
    fixture.s3.intercept = (request, response) => {
      const authorization = String(request.headers.authorization ?? "");
      const upload = (request.url ?? "").startsWith(`/${bucket}/logs/`);
      if (!upload || authorization.includes("/eu-west-1/")) return false;
      answerPermanentRedirect(request, response, "eu-west-1");
      return true;
    };
    const run = await runUpload("redirect-every", multipartScript);
    fixture.s3.intercept = undefined;
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    const regions = run.requests.map(signedRegion);
    // CreateMultipartUpload, two UploadPart and CompleteMultipartUpload, each first in us-east-1.
    expect(regions).toEqual(Array(4).fill(["us-east-1", "eu-west-1"]).flat());
    for (let i = 0; i < run.requests.length; i += 2) {
      expect(run.requests[i + 1].method).toBe(run.requests[i].method);
      expect(run.requests[i + 1].url).toBe(run.requests[i].url);
    }
    expect(await getText(run.key)).toContain("a\ndone\n== finished: succeeded");
  });
});
