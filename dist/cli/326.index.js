export const id = 326;
export const ids = [326];
export const modules = {

/***/ 8326:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   standBy: () => (/* binding */ standBy)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3916);
/* harmony import */ var _runner_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(5106);
/* harmony import */ var _longTimer_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(8740);
/* harmony import */ var _store_types_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(7940);
/* harmony import */ var _token_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(4606);





/**
 * Watches the holder of a job that this contender lost, for up to `settings.standby.maxSeconds`.
 * The holder counts as dead when its head is still running with its token and its lease lapsed.
 * Then this standby sends the conditional takeover write and returns a won claim if it wins.
 * Returns a skip when the holder's run finished in any state, or when the bound passed. Only
 * standbys poll the store: one consistent read of the head as often as the holder renews its
 * lease (renewalIntervalMs), with jitter.
 */
async function standBy(context, lost, command) {
    const { settings, store, logger } = context;
    const maxMs = (settings.standby?.maxSeconds ?? settings.rangeSeconds) * 1000;
    const leaseMs = settings.leaseSeconds * 1000;
    const pollMs = (0,_runner_js__WEBPACK_IMPORTED_MODULE_1__/* .renewalIntervalMs */ .GH)(leaseMs);
    const deadline = performance.now() + maxMs;
    logger.info(`job ${settings.id} is held: ${(0,_runner_js__WEBPACK_IMPORTED_MODULE_1__/* .describeHolder */ .sG)(lost.holder)}; standing by for up to ${maxMs / 1000} s`);
    if (maxMs <= leaseMs) {
        logger.warn(`--standby-max ${maxMs / 1000} is not longer than --lease ${leaseMs / 1000}: a dead holder's lease may not lapse before the standby ends; raise --standby-max`);
    }
    let watched = lost.holder;
    let readFailures = 0;
    for (;;) {
        let head;
        let readSucceeded = false;
        try {
            head = await store.readHead(settings.id);
            readSucceeded = true;
            readFailures = 0;
        }
        catch (error) {
            // One warning per streak of failures. The bound still ends the wait.
            if (readFailures++ === 0)
                logger.warn(`could not read the holder of job ${settings.id} while standing by: ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .messageOf */ .bD)(error)}`);
        }
        if (readSucceeded) {
            if (head === undefined)
                return skip(lost, `standby for job ${settings.id} ends: the job has no holder any more; the command did not run here`, logger);
            if (head.state !== "running") {
                return skip(lost, `standby for job ${settings.id} ends: run ${head.counter} on node ${head.node} finished (${head.state}); the command did not run here`, logger, head);
            }
            if (watched !== undefined && head.token !== watched.token)
                logger.info(`run ${head.counter} on node ${head.node} now holds job ${settings.id}; watching it`);
            watched = head;
            // NOTE: a lapsed lease shows that the holder's runjop stopped, not that its command did:
            // when only runjop was killed, the dead run's command may still run beside the takeover.
            const nowMs = Date.now();
            if (head.leaseUntilMs < nowMs) {
                const claim = await tryTakeOver(context, head, nowMs, command);
                if (claim)
                    return claim;
            }
        }
        const remainingMs = deadline - performance.now();
        if (remainingMs <= 0) {
            return skip(lost, `standby for job ${settings.id} ends after ${maxMs / 1000} s: ${(0,_runner_js__WEBPACK_IMPORTED_MODULE_1__/* .describeHolder */ .sG)(watched)}; the command did not run here`, logger, watched);
        }
        // Wake soon after the lease ends when that comes before the next poll.
        const untilLapseMs = watched ? Math.max(0, watched.leaseUntilMs - Date.now()) + 100 : Infinity;
        const jitteredMs = pollMs * (0.8 + Math.random() * 0.4);
        await (0,_longTimer_js__WEBPACK_IMPORTED_MODULE_3__/* .sleep */ .yy)(Math.min(remainingMs, jitteredMs, untilLapseMs));
    }
}
/** Sends the takeover write. Returns the won claim, or undefined when another standby won or the holder renewed. */
async function tryTakeOver(context, holder, nowMs, command) {
    const { settings, store, logger } = context;
    const token = (0,_token_js__WEBPACK_IMPORTED_MODULE_2__/* .randomToken */ .z)();
    let reservation;
    try {
        reservation = await store.takeOver({
            jobId: settings.id,
            holder,
            node: settings.node,
            token,
            nowMs,
            leaseMs: settings.leaseSeconds * 1000,
        });
    }
    catch (error) {
        logger.warn(`could not take over job ${settings.id} from run ${holder.counter} on node ${holder.node}: ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .messageOf */ .bD)(error)}`);
        return undefined;
    }
    if (!reservation.won) {
        logger.debug(`takeover of job ${settings.id} from run ${holder.counter} failed its condition: another standby took over or the run ended`);
        return undefined;
    }
    const abandoned = reservation.abandoned ?? holder;
    const lapsedSeconds = ((nowMs - abandoned.leaseUntilMs) / 1000).toFixed(1);
    logger.warn(`run ${abandoned.counter} of job ${settings.id} on node ${abandoned.node} stopped renewing its lease (lapsed ${lapsedSeconds} s ago); taking it over and marking it abandoned`);
    const run = {
        jobId: settings.id,
        counter: reservation.counter,
        node: settings.node,
        time: (0,_store_types_js__WEBPACK_IMPORTED_MODULE_4__/* .formatUtc */ .a)(nowMs),
        startMs: nowMs,
        token,
        state: "running",
        command,
        ...(settings.schedule !== undefined && abandoned.occurrenceMs !== undefined
            ? { occurrenceMs: abandoned.occurrenceMs }
            : {}),
        expiresAt: settings.historyDays === undefined ? undefined : Math.floor(nowMs / 1000) + settings.historyDays * 86400,
    };
    return { won: true, run, abandoned };
}
function skip(lost, reason, logger, holder) {
    logger.info(reason);
    return { won: false, result: { ...lost, holder: holder ?? lost.holder, reason } };
}


/***/ })

};
