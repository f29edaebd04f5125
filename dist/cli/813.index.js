export const id = 813;
export const ids = [813];
export const modules = {

/***/ 4813:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   reserveAndRun: () => (/* binding */ reserveAndRun)
/* harmony export */ });
/* unused harmony exports describeCommand, describeHolder */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3916);
/* harmony import */ var _store_types_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7940);



/** Shows a command as a person typed it, for logs and the activity log. */
function describeCommand(command) {
    if (command.kind === "shell")
        return command.script;
    return [command.file, ...command.args].map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : JSON.stringify(word))).join(" ");
}
/** Describes the holder of a range in one line: who, which run, since when, and in what state. */
function describeHolder(holder) {
    if (!holder)
        return "another contender holds the range";
    const since = (0,_store_types_js__WEBPACK_IMPORTED_MODULE_2__/* .formatUtc */ .a)(holder.startMs);
    return `node ${holder.node} holds it with run ${holder.counter}, started ${since} UTC (${holder.state})`;
}
/**
 * Reserves the job, and when this contender wins, runs the command and records its outcome.
 * A contender that loses returns at once with exit status 0.
 */
async function reserveAndRun(context) {
    const { settings, store, logger } = context;
    const token = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomUUID)();
    const nowMs = Date.now();
    logger.debug(`reserving job ${settings.id} for node ${settings.node} in ${store.description}`);
    const reservation = await store.reserve({
        jobId: settings.id,
        node: settings.node,
        token,
        nowMs,
        rangeMs: settings.rangeSeconds * 1000,
        leaseMs: settings.leaseSeconds * 1000,
        allowOverlap: settings.allowOverlap,
    });
    if (!reservation.won) {
        const reason = `skipped job ${settings.id}: ${describeHolder(reservation.holder)}; range ${settings.rangeSeconds} s`;
        logger.info(reason);
        return { executed: false, exitCode: 0, holder: reservation.holder, reason };
    }
    const run = {
        jobId: settings.id,
        counter: reservation.counter,
        node: settings.node,
        time: (0,_store_types_js__WEBPACK_IMPORTED_MODULE_2__/* .formatUtc */ .a)(nowMs),
        startMs: nowMs,
        token,
        state: "running",
        command: describeCommand(settings.command),
    };
    if (reservation.abandoned) {
        logger.warn(`run ${reservation.abandoned.counter} of job ${settings.id} on node ${reservation.abandoned.node} stopped renewing its lease; marking it abandoned`);
    }
    logger.info(`running job ${settings.id} as run ${run.counter} on node ${settings.node}: ${run.command}`);
    // The start record is written while the command starts, so that it adds no latency.
    const startRecorded = store.recordStart(run, reservation.abandoned).catch((error) => {
        logger.warn(`could not record the start of run ${run.counter}: ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .messageOf */ .bD)(error)}`);
    });
    const heartbeat = startHeartbeat(context, token);
    // job.ts loads node:child_process, which only the winner needs, so a contender that skips exits without loading it.
    const { runJob } = await __webpack_require__.e(/* import() */ 228).then(__webpack_require__.bind(__webpack_require__, 7228));
    const outcome = await runJob({
        command: settings.command,
        env: {
            ...(context.env ?? process.env),
            RUNJOP_ID: settings.id,
            RUNJOP_COUNTER: String(run.counter),
            RUNJOP_NODE: settings.node,
        },
        cwd: settings.workingDirectory,
        timeoutMs: settings.timeoutSeconds === undefined ? undefined : settings.timeoutSeconds * 1000,
        killGraceMs: settings.killGraceSeconds * 1000,
        onOutput: context.onOutput,
        logger,
    });
    heartbeat.stop();
    await startRecorded;
    const seconds = (outcome.durationMs / 1000).toFixed(1);
    const reason = `ran job ${settings.id} as run ${run.counter}: ${outcome.state}, exit status ${outcome.exitCode}, ${seconds} s`;
    try {
        await store.recordOutcome(run, outcome);
        logger.info(reason);
    }
    catch (error) {
        // The command's status is kept whatever happens to the record.
        logger.error(`could not record the outcome of run ${run.counter} (${outcome.state}, exit status ${outcome.exitCode}): ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .messageOf */ .bD)(error)}`);
    }
    return { executed: true, counter: run.counter, exitCode: outcome.exitCode, outcome, reason };
}
/** Renews the lease every third of its length while the command runs. */
function startHeartbeat(context, token) {
    const { settings, store, logger } = context;
    const leaseMs = settings.leaseSeconds * 1000;
    let lost = false;
    const timer = setInterval(() => {
        store
            .extendLease(settings.id, token, Date.now() + leaseMs)
            .then((held) => {
            if (!held && !lost) {
                lost = true;
                logger.warn(`lease of job ${settings.id} was taken by another contender; the command keeps running`);
            }
        })
            .catch((error) => logger.warn(`could not renew the lease of job ${settings.id}: ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .messageOf */ .bD)(error)}`));
    }, Math.max(1000, Math.floor(leaseMs / 3)));
    timer.unref();
    return { stop: () => clearInterval(timer) };
}


/***/ }),

/***/ 7940:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   a: () => (/* binding */ formatUtc)
/* harmony export */ });
/** Formats a time as the original tool did: "YYYY-MM-DD HH:MM:SS" in UTC. */
function formatUtc(ms) {
    return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}


/***/ })

};
