import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { DynamoDBClient, QueryCommand } from "@aws-sdk/client-dynamodb";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SqliteStore } from "../src/store/sqlite.js";
import { binPath, cliEnv, runCli, tempDir } from "./helpers/cli.js";
import { s3AwsEnv, startDynalite, type RunningServer, useS3rver } from "./helpers/servers.js";

const bucket = "job-logs";
const fixture = useS3rver(bucket);

/** Builds a clean environment with s3rver's credentials and a private state folder. */
function s3Env(): NodeJS.ProcessEnv {
  return cliEnv(s3AwsEnv());
}

function s3Args(id: string, target = `s3://${bucket}/logs`): string[] {
  return ["--id", id, "--node", "host-a", "--s3", target, "--s3-endpoint-url", fixture.s3.url];
}

async function getObject(key: string): Promise<Buffer> {
  const output = await fixture.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await output.Body!.transformToByteArray());
}

async function listKeys(prefix: string): Promise<string[]> {
  const output = await fixture.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (output.Contents ?? []).map((object) => object.Key!);
}

/** Reads the key that runjop logged in its "uploading the output to s3://..." line. */
function loggedKey(stderr: string): string {
  const match = /uploading the output to s3:\/\/[^/]+\/(\S+)/.exec(stderr);
  if (!match) throw new Error(`no upload line in stderr:\n${stderr}`);
  return match[1];
}

async function activityLog(env: NodeJS.ProcessEnv, id: string) {
  const store = await SqliteStore.open(join(env.XDG_STATE_HOME!, "runjop", "runjop.sqlite"));
  try {
    return await store.listRuns(id, 10);
  } finally {
    await store.close();
  }
}

/** Lists the UploadPart requests that reached s3rver so far. */
function partRequests() {
  return fixture.s3.requests.filter((request) => request.method === "PUT" && /[?&]partNumber=/.test(request.url));
}

describe("runjop --s3", () => {
  test("key follows table-id-date-time-node", async () => {
    const env = s3Env();
    const before = Date.now();
    const result = await runCli([...s3Args("key-format"), "echo hello"], { env });
    expect(result.code).toBe(0);
    const key = loggedKey(result.stderr);
    expect(key).toMatch(/^logs\/runjop-key-format-\d{8}-\d{6}-host-a\.log$/);
    const [, date, time] = /-(\d{8})-(\d{6})-/.exec(key)!;
    const started = Date.UTC(
      +date.slice(0, 4),
      +date.slice(4, 6) - 1,
      +date.slice(6, 8),
      +time.slice(0, 2),
      +time.slice(2, 4),
      +time.slice(4, 6),
    );
    expect(started).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(started).toBeLessThanOrEqual(Date.now());
    expect(await listKeys("logs/runjop-key-format-")).toEqual([key]);
    expect(result.stderr).toContain(`output uploaded to s3://${bucket}/${key}`);
  });

  test("object has header, output and footer", async () => {
    const env = s3Env();
    const result = await runCli([...s3Args("header-footer"), "echo line one; echo line two; exit 3"], { env });
    expect(result.code).toBe(3);
    expect(result.stdout).toBe("line one\nline two\n");
    const key = loggedKey(result.stderr);
    const text = (await getObject(key)).toString("utf8");
    const lines = text.split("\n");
    expect(lines[0]).toBe("== runjop job header-footer, run 1, node host-a");
    expect(lines[1]).toBe("== command: echo line one; echo line two; exit 3");
    expect(lines[2]).toMatch(/^== started: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    expect(lines.slice(3, 5)).toEqual(["line one", "line two"]);
    expect(lines[5]).toMatch(/^== finished: failed, exit status 3, duration \d+\.\d{3} s$/);
    expect(lines[6]).toBe("");
    expect(lines).toHaveLength(7);
    const head = await fixture.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head.ContentType).toBe("text/plain; charset=utf-8");
  });

  test("records the object URL in the activity log", async () => {
    const env = s3Env();
    const result = await runCli([...s3Args("url-recorded"), "true"], { env });
    const key = loggedKey(result.stderr);
    const [run] = await activityLog(env, "url-recorded");
    expect(run.logUrl).toBe(`s3://${bucket}/${key}`);
    expect(run.logError).toBeUndefined();
    expect(readdirSync(join(env.XDG_STATE_HOME!, "runjop", "logs"))).toEqual([]);
  });

  test("silent job leaves header and footer", async () => {
    const env = s3Env();
    const result = await runCli([...s3Args("silent-job"), "true"], { env });
    const text = (await getObject(loggedKey(result.stderr))).toString("utf8");
    expect(text).toMatch(
      /^== runjop job silent-job, run 1, node host-a\n== command: true\n== started: [^\n]+ UTC\n== finished: succeeded, exit status 0, duration \d+\.\d{3} s\n$/,
    );
  });

  test("ends a last line without newline before the footer", async () => {
    const env = s3Env();
    const result = await runCli([...s3Args("no-newline"), "printf partial"], { env });
    const text = (await getObject(loggedKey(result.stderr))).toString("utf8");
    expect(text).toMatch(/\npartial\n== finished: succeeded/);
  });

  test("multi-megabyte output spans several parts byte for byte", async () => {
    const env = s3Env();
    const dir = tempDir();
    const data = Buffer.alloc(13 * 1024 * 1024);
    for (let offset = 0; offset < data.length; offset += 32)
      createHash("sha256").update(String(offset)).digest().copy(data, offset);
    writeFileSync(join(dir, "data.bin"), data);
    const partsBefore = partRequests().length;

    const result = await runCli([...s3Args("multi-part"), "-q", `cat ${join(dir, "data.bin")}`], { env });
    expect(result.code).toBe(0);
    expect(result.stdout.length).toBeGreaterThan(0);
    const [run] = await activityLog(env, "multi-part");
    const key = run.logUrl!.replace(`s3://${bucket}/`, "");
    const object = await getObject(key);
    const headerEnd = object.indexOf(" UTC\n") + 5;
    expect(object.subarray(0, headerEnd).toString("utf8")).toMatch(
      /^== runjop job multi-part, run 1, node host-a\n== command: cat \S+\n== started: [^\n]+ UTC\n$/,
    );
    expect(object.subarray(headerEnd, headerEnd + data.length).equals(data)).toBe(true);
    expect(object.subarray(headerEnd + data.length).toString("utf8")).toMatch(
      /^\n?== finished: succeeded, exit status 0, duration [\d.]+ s\n$/,
    );
    // 13 MiB plus header and footer make three parts of at most 5 MiB.
    expect(partRequests().length - partsBefore).toBe(3);
  });

  test("uploads parts while the job still runs", async () => {
    const env = s3Env();
    const dir = tempDir();
    const marker = join(dir, "go-on");
    // 6 MiB fill the first 5 MiB part; the job then waits until the test saw that part arrive.
    const script = `head -c 6291456 /dev/zero | tr '\\0' 'a'; echo; while [ ! -e ${marker} ]; do sleep 0.05; done; echo after`;
    const partsBefore = partRequests().length;
    const child = spawn(process.execPath, [binPath, ...s3Args("streaming"), script], {
      env,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    let exited = false;
    const closed = new Promise<number | null>((resolve) =>
      child.on("close", (code) => ((exited = true), resolve(code))),
    );

    const deadline = Date.now() + 20000;
    while (partRequests().length === partsBefore && Date.now() < deadline && !exited) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const partSeenWhileRunning = partRequests().length > partsBefore && !exited;
    writeFileSync(marker, "");
    const code = await closed;

    expect(partSeenWhileRunning).toBe(true);
    expect(code).toBe(0);
    const text = (await getObject(loggedKey(stderr))).toString("utf8");
    expect(text).toContain("a".repeat(6291456) + "\nafter\n== finished: succeeded");
  });

  test("keeps stdout and stderr order", async () => {
    const env = s3Env();
    const script = "echo out-1; sleep 0.1; echo err-2 >&2; sleep 0.1; echo out-3; sleep 0.1; echo err-4 >&2";
    const result = await runCli([...s3Args("order"), script], { env });
    expect(result.stdout).toBe("out-1\nout-3\n");
    expect(result.stderr).toContain("err-2\n");
    expect(result.stderr).toContain("err-4\n");
    const text = (await getObject(loggedKey(result.stderr))).toString("utf8");
    expect(text).toContain("\nout-1\nerr-2\nout-3\nerr-4\n== finished:");
  });

  test("replaces characters that keys mishandle", async () => {
    const env = s3Env();
    const id = "nightly backup/é:*?%+#~";
    const result = await runCli(
      [
        "--id",
        id,
        "--node",
        "host a.example",
        "--s3",
        `s3://${bucket}/odd`,
        "--s3-endpoint-url",
        fixture.s3.url,
        "echo odd",
      ],
      { env },
    );
    expect(result.code).toBe(0);
    const key = loggedKey(result.stderr);
    expect(key).toMatch(
      /^odd\/runjop-nightly_backup_________-[0-9a-f]{8}-\d{8}-\d{6}-host_a\.example-[0-9a-f]{8}\.log$/,
    );
    expect((await getObject(key)).toString("utf8")).toContain("\nodd\n");
  });

  test("ids that differ in replaced characters keep distinct keys", async () => {
    const env = s3Env();
    const [slash, underscore] = await Promise.all(
      ["backup/db", "backup_db"].map((id) => runCli([...s3Args(id), `echo ${id}`], { env })),
    );
    expect(slash.code).toBe(0);
    expect(underscore.code).toBe(0);
    const slashKey = loggedKey(slash.stderr);
    const underscoreKey = loggedKey(underscore.stderr);
    expect(slashKey).toMatch(/^logs\/runjop-backup_db-[0-9a-f]{8}-\d{8}-\d{6}-host-a\.log$/);
    expect(underscoreKey).toMatch(/^logs\/runjop-backup_db-\d{8}-\d{6}-host-a\.log$/);
    expect((await getObject(slashKey)).toString("utf8")).toContain("\nbackup/db\n");
    expect((await getObject(underscoreKey)).toString("utf8")).toContain("\nbackup_db\n");
  });

  test("shortens a long id with a digest", async () => {
    const env = s3Env();
    const result = await runCli([...s3Args("x".repeat(300)), "true"], { env });
    const key = loggedKey(result.stderr);
    expect(key).toMatch(/^logs\/runjop-x{87}-[0-9a-f]{8}-\d{8}-\d{6}-host-a\.log$/);
    expect(await listKeys(key)).toEqual([key]);
  });

  test("missing bucket keeps a local copy", async () => {
    const env = s3Env();
    const result = await runCli([...s3Args("no-bucket", "s3://no-such-bucket/x"), "echo kept; echo also >&2; exit 5"], {
      env,
    });
    expect(result.code).toBe(5);
    expect(result.stdout).toBe("kept\n");
    const warnings = result.stderr.split("\n").filter((line) => line.startsWith("runjop: warning:"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /upload to s3:\/\/no-such-bucket\/x\/runjop-no-bucket-\d{8}-\d{6}-host-a\.log failed: bucket not found/,
    );
    const path = /goes to (\S+\.log)$/.exec(warnings[0])![1];
    expect(path.startsWith(join(env.XDG_STATE_HOME!, "runjop", "logs") + "/")).toBe(true);
    expect(readFileSync(path, "utf8")).toMatch(
      /^== runjop job no-bucket, run 1, node host-a\n== command: [^\n]+\n== started: [^\n]+\nkept\nalso\n== finished: failed, exit status 5, duration [\d.]+ s\n$/,
    );

    const [run] = await activityLog(env, "no-bucket");
    expect(run.state).toBe("failed");
    expect(run.exitCode).toBe(5);
    expect(run.logUrl).toBeUndefined();
    expect(run.logError).toContain("bucket not found");
    expect(run.logError).toContain(path);
  });

  test("marks an object cut short by a local disk error", async () => {
    const env = s3Env();
    // The shell caps the size of the files runjop writes at 1 MiB (2048 blocks of 512 bytes in dash,
    // 2 MiB in bash), so that the local file fails with EFBIG as on a full disk. Ignoring SIGXFSZ
    // lets the write fail instead of killing runjop. The embedded store stays far below the cap.
    const job = "head -c 3000000 /dev/zero | tr '\\0' x; echo; echo done";
    const { code, stdout, stderr } = await runCli([...s3Args("disk-error"), job], {
      env,
      wrapper: ["/bin/sh", "-c", `trap '' XFSZ; ulimit -f 2048; exec "$@"`, "sh"],
    });

    expect(code).toBe(0);
    expect(stdout).toBe(`${"x".repeat(3000000)}\ndone\n`);
    const warnings = stderr.split("\n").filter((line) => line.startsWith("runjop: warning:"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /cannot write the local log file \S+: .*EFBIG.*; the rest of the output reaches the console only/,
    );

    const text = (await getObject(loggedKey(stderr))).toString("utf8");
    const lines = text.split("\n");
    expect(lines[0]).toBe("== runjop job disk-error, run 1, node host-a");
    expect(text.length).toBeLessThan(2 * 1024 * 1024 + 500);
    expect(lines.at(-3)).toMatch(
      /^== log incomplete: cannot write the local log file \S+: .*EFBIG.*; the rest of the output is missing$/,
    );
    expect(lines.at(-2)).toMatch(/^== finished: succeeded, exit status 0, duration \d+\.\d{3} s$/);
    expect(lines.at(-1)).toBe("");

    const [run] = await activityLog(env, "disk-error");
    expect(run.state).toBe("succeeded");
    expect(run.logUrl).toBe(`s3://${bucket}/${loggedKey(stderr)}`);
    expect(run.logError).toMatch(/^log incomplete: cannot write the local log file/);
    expect(readdirSync(join(env.XDG_STATE_HOME!, "runjop", "logs"))).toEqual([]);
  });

  test("names rejected credentials", async () => {
    const env = { ...s3Env(), AWS_ACCESS_KEY_ID: "NOT-S3RVER" };
    const result = await runCli([...s3Args("bad-key"), "echo kept"], { env });
    expect(result.code).toBe(0);
    const warnings = result.stderr.split("\n").filter((line) => line.startsWith("runjop: warning:"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /failed: credentials rejected \(InvalidAccessKeyId: .+\); check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or the profile;/,
    );
  });

  test("falls back to a private temporary folder", async () => {
    const env = s3Env();
    const temporary = tempDir();
    env.TMPDIR = temporary;
    // The usual folder cannot be created, and another user planted a link at this user's temporary folder.
    mkdirSync(join(env.XDG_STATE_HOME!, "runjop"));
    writeFileSync(join(env.XDG_STATE_HOME!, "runjop", "logs"), "");
    const elsewhere = tempDir();
    symlinkSync(elsewhere, join(temporary, `runjop-logs-${process.getuid!()}`));

    const result = await runCli(
      [...s3Args("fallback", "s3://no-such-bucket/x"), "--store-path", join(tempDir(), "s.sqlite"), "echo kept"],
      { env },
    );
    expect(result.code).toBe(0);
    const warnings = result.stderr.split("\n").filter((line) => line.startsWith("runjop: warning:"));
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toContain(`cannot create the local log file in ${join(env.XDG_STATE_HOME!, "runjop", "logs")}`);
    expect(warnings[1]).toContain(`runjop-logs-${process.getuid!()} is not a private folder of this user`);
    const path = /goes to (\S+\.log)$/.exec(warnings[2])![1];
    expect(path.startsWith(join(temporary, "runjop-logs-"))).toBe(true);
    expect(readFileSync(path, "utf8")).toContain("\nkept\n");
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  test("aborts a multipart upload whose part fails", async () => {
    const env = s3Env();
    let aborts = 0;
    fixture.s3.intercept = (request, response) => {
      if (request.method === "PUT" && /[?&]partNumber=2(&|$)/.test(request.url ?? "")) {
        // The response follows the whole body: a response sent while the client still writes the
        // part makes its socket fail with EPIPE or with the 403, whichever comes first.
        request.resume();
        request.on("end", () => {
          response.writeHead(403, { "content-type": "application/xml" });
          response.end(
            '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>',
          );
        });
        return true;
      }
      if (request.method === "DELETE" && /[?&]uploadId=/.test(request.url ?? "")) {
        // s3rver lacks AbortMultipartUpload, so the test responds as S3 does.
        aborts += 1;
        response.writeHead(204);
        response.end();
        return true;
      }
      return false;
    };
    const result = await runCli([...s3Args("part-fails"), "-q", "head -c 12582912 /dev/zero; echo; echo done"], {
      env,
    });
    expect(result.code).toBe(0);
    expect(aborts).toBe(1);
    const warnings = result.stderr.split("\n").filter((line) => line.startsWith("runjop: warning:"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("access denied");
    const path = /goes to (\S+\.log)$/.exec(warnings[0])![1];
    const local = readFileSync(path);
    expect(local.includes("\ndone\n== finished: succeeded, exit status 0")).toBe(true);
    expect(local.length).toBeGreaterThan(12582912);
    const [run] = await activityLog(env, "part-fails");
    expect(run.logError).toContain("access denied");
  });
});

describe("runjop rejects bad S3 options", () => {
  const cases: Array<[string, string[], RegExp]> = [
    [
      "no s3 scheme",
      ["--s3", "job-logs/prefix"],
      /^runjop: error: invalid --s3 'job-logs\/prefix': expected s3:\/\/BUCKET or s3:\/\/BUCKET\/PREFIX\n$/,
    ],
    ["bad bucket name", ["--s3", "s3://a"], /invalid --s3 's3:\/\/a': bucket 'a' is not a valid S3 bucket name/],
    [
      "unknown encryption",
      ["--s3", "s3://b-1", "--s3-sse", "aes"],
      /invalid --s3-sse 'aes': expected AES256 or aws:kms/,
    ],
    [
      "kms key without aws:kms",
      ["--s3", "s3://b-1", "--s3-sse", "AES256", "--s3-kms-key-id", "k"],
      /--s3-kms-key-id needs --s3-sse aws:kms/,
    ],
    [
      "kms key with a space",
      ["--s3", "s3://b-1", "--s3-sse", "aws:kms", "--s3-kms-key-id", "my key"],
      /invalid --s3-kms-key-id 'my key'/,
    ],
    [
      "endpoint that is no URL",
      ["--s3", "s3://b-1", "--s3-endpoint-url", "localhost:9000"],
      /invalid --s3-endpoint-url 'localhost:9000': expected an http/,
    ],
    ["encryption without --s3", ["--s3-sse", "AES256"], /--s3-sse needs --s3 s3:\/\/BUCKET\[\/PREFIX\]/],
    ["endpoint without --s3", ["--s3-endpoint-url", "http://127.0.0.1:9"], /--s3-endpoint-url needs --s3/],
  ];

  test.each(cases)("%s", async (_name, args, message) => {
    const marker = join(tempDir(), "ran");
    const result = await runCli(["--id", "bad-s3", ...args, `touch ${marker}`], { env: s3Env() });
    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(existsSync(marker)).toBe(false);
  });
});

describe("runjop --s3 with DynamoDB", () => {
  let dynamo: RunningServer;
  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(async () => {
    await dynamo.close();
  });

  test("names the table in the key and records log_url", async () => {
    const env = s3Env();
    const result = await runCli(
      [
        "--table",
        "sched-logs",
        "--endpoint-url",
        dynamo.url,
        ...s3Args("dynamo-job", `s3://${bucket}`),
        "echo from dynamo",
      ],
      { env },
    );
    expect(result.code).toBe(0);
    const key = loggedKey(result.stderr);
    expect(key).toMatch(/^sched-logs-dynamo-job-\d{8}-\d{6}-host-a\.log$/);
    const dynamoClient = new DynamoDBClient({
      endpoint: dynamo.url,
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
    const output = await dynamoClient.send(
      new QueryCommand({
        TableName: "sched-logs",
        KeyConditionExpression: "job_id = :id AND #counter = :one",
        ExpressionAttributeNames: { "#counter": "counter" },
        ExpressionAttributeValues: { ":id": { S: "dynamo-job" }, ":one": { N: "1" } },
        ConsistentRead: true,
      }),
    );
    dynamoClient.destroy();
    expect(output.Items?.[0]?.log_url?.S).toBe(`s3://${bucket}/${key}`);
    expect(output.Items?.[0]?.log_error).toBeUndefined();
  });
});

describe("runjop --s3 memory", () => {
  /** Runs runjop with --s3 and a job that prints its parent's process id and command line, and the variables named. */
  function runShowingParent(env: NodeJS.ProcessEnv, id: string) {
    const script = `echo "ppid=$PPID"; tr '\\0' ' ' < /proc/$PPID/cmdline; echo; env | grep -E '^(MALLOC_MMAP_THRESHOLD_|RUNJOP_RESTARTED)' | sort`;
    return runCli([...s3Args(id), "-q", script], { env });
  }

  test("restarts in place with memory settings the job does not see", async () => {
    const result = await runShowingParent(s3Env(), "restart-settings");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const [ppid, cmdline, ...variables] = result.stdout.trim().split("\n");
    // Same process id: cron, systemd and `kill` still reach runjop after the restart.
    expect(ppid).toBe(`ppid=${result.pid}`);
    expect(cmdline).toContain("--max-semi-space-size=1 --jitless");
    expect(variables).toEqual([]);
  });

  test("passes the job a malloc setting of its own unchanged", async () => {
    const result = await runShowingParent({ ...s3Env(), MALLOC_MMAP_THRESHOLD_: "131072" }, "restart-own-malloc");
    expect(result.code).toBe(0);
    const [, cmdline, ...variables] = result.stdout.trim().split("\n");
    expect(cmdline).toContain("--jitless");
    expect(variables).toEqual(["MALLOC_MMAP_THRESHOLD_=131072"]);
  });

  test("200 MB output keeps peak RSS low", async () => {
    const env = s3Env();
    const size = 200 * 1024 * 1024;
    const script = `yes 'runjop memory test line with some text to make it longer 0123456789' | head -c ${size}`;
    const started = performance.now();
    const child = spawn(process.execPath, [binPath, ...s3Args("big-output"), "-q", script], {
      env,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    let peakKb = 0;
    const sampler = setInterval(() => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
        peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0));
      } catch {
        // The process has exited.
      }
    }, 50);
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    clearInterval(sampler);
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `200 MiB through runjop --s3: peak RSS ${(peakKb / 1024).toFixed(1)} MiB, ${seconds.toFixed(1)} s, ${(200 / seconds).toFixed(1)} MiB/s`,
    );

    expect(code).toBe(0);
    expect(stderr).toBe("");
    expect(peakKb).toBeGreaterThan(0);
    // About 96 MiB on a 2-core VM; Node's default memory settings gave 115 to 135 MiB.
    expect(peakKb).toBeLessThan(110 * 1024);
    const [key] = await listKeys("logs/runjop-big-output-");
    const head = await fixture.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head.ContentLength).toBeGreaterThan(size);
    expect(head.ContentLength).toBeLessThan(size + 1024);
    expect(existsSync(join(env.XDG_STATE_HOME!, "runjop", "logs"))).toBe(true);
    expect(readdirSync(join(env.XDG_STATE_HOME!, "runjop", "logs"))).toEqual([]);
  }, 120000);
});
