export const id = 228;
export const ids = [228];
export const modules = {

/***/ 7228:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   runJob: () => (/* binding */ runJob)
/* harmony export */ });
/* unused harmony exports timeoutExitCode, signalExitCode */
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1421);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_child_process__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _longTimer_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8740);



/** Exit status of a command stopped by --timeout, as GNU timeout(1) uses. */
const timeoutExitCode = 124;
/** Signals that runjop forwards to the command's process group; GitHub's cancellation sends SIGINT, then SIGTERM. */
const forwardedSignals = ["SIGINT", "SIGTERM", "SIGHUP"];
/** Exit status that a shell reports for a signal: 128 + its number. */
function signalExitCode(signal) {
    return 128 + (node_os__WEBPACK_IMPORTED_MODULE_1__.constants.signals[signal] ?? 0);
}
/**
 * Runs the command in its own process group and resolves with its outcome once it exited and
 * its output was read. SIGINT, SIGTERM and SIGHUP sent to runjop go to the whole group, followed
 * by SIGKILL after the grace period; the run then counts as interrupted with status 128 + signal.
 */
function runJob(options) {
    const started = performance.now();
    const { command, logger } = options;
    const file = command.kind === "shell" ? (command.shell ?? "/bin/sh") : command.file;
    const args = command.kind === "shell" ? [...(command.shellArgs ?? ["-c"]), command.script] : command.args;
    return new Promise((resolve) => {
        let stopReason;
        let killTimer;
        let stopStartedAt = 0;
        let timeoutTimer;
        let settled = false;
        const child = (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.spawn)(file, args, {
            cwd: options.cwd,
            env: options.env,
            // A new process group (and session), so that a signal reaches the command's children too.
            detached: true,
            stdio: ["inherit", options.onOutput ? "pipe" : "inherit", options.onOutput ? "pipe" : "inherit"],
        });
        const signalGroup = (signal) => {
            if (child.pid === undefined)
                return;
            try {
                process.kill(-child.pid, signal);
            }
            catch {
                // The group is already gone.
            }
        };
        const stop = (state, signal) => {
            if (stopReason) {
                // A second signal is passed on as it is; SIGKILL still follows after the grace period.
                signalGroup(signal);
                return;
            }
            stopReason = { state, signal };
            stopStartedAt = performance.now();
            signalGroup(signal);
            killTimer = setTimeout(() => {
                logger.warn(`command still running ${options.killGraceMs / 1000} s after ${signal}; sending SIGKILL to its process group`);
                signalGroup("SIGKILL");
            }, options.killGraceMs);
        };
        // After a stop, the group's other members may outlive the leader (a background job of sh
        // ignores SIGINT, for one): they get until the SIGKILL of the grace period to exit.
        const afterGroupStopped = (then) => {
            if (!stopReason || !groupExists())
                return then();
            // Zombies that nobody reaps still count as members, so the wait ends 1 s after SIGKILL anyway.
            const deadline = stopStartedAt + options.killGraceMs + 1000;
            const poll = setInterval(() => {
                if (groupExists() && performance.now() < deadline)
                    return;
                clearInterval(poll);
                then();
            }, 100);
        };
        const groupExists = () => {
            if (child.pid === undefined)
                return false;
            try {
                process.kill(-child.pid, 0);
                return true;
            }
            catch {
                return false;
            }
        };
        const onSignal = (signal) => {
            logger.warn(`received ${signal}; passing it to the command's process group`);
            stop("interrupted", signal);
        };
        for (const signal of forwardedSignals)
            process.on(signal, onSignal);
        if (options.timeoutMs !== undefined) {
            timeoutTimer = (0,_longTimer_js__WEBPACK_IMPORTED_MODULE_2__/* .setLongTimeout */ .ER)(() => {
                logger.warn(`command timed out after ${options.timeoutMs / 1000} s; sending SIGTERM to its process group`);
                stop("timed_out", "SIGTERM");
            }, options.timeoutMs);
        }
        const finish = (outcome) => {
            if (settled)
                return;
            settled = true;
            clearTimeout(killTimer);
            timeoutTimer?.clear();
            for (const signal of forwardedSignals)
                process.off(signal, onSignal);
            resolve({ ...outcome, durationMs: Math.round(performance.now() - started) });
        };
        if (options.onOutput) {
            const forward = options.onOutput;
            child.stdout.on("data", (chunk) => forward(chunk, "stdout"));
            child.stderr.on("data", (chunk) => forward(chunk, "stderr"));
        }
        child.on("error", (error) => {
            // spawn() itself failed: the program is missing or not executable, as a shell reports it.
            const exitCode = error.code === "ENOENT" ? 127 : 126;
            logger.error(`cannot start ${file}: ${error.message}`);
            finish({ state: "failed", exitCode });
        });
        child.on("exit", (code, signal) => {
            // Output still in the pipes arrives before 'close'; a grandchild that keeps a pipe open
            // must not hold runjop, so the wait for 'close' is bounded.
            const done = () => afterGroupStopped(() => finish(outcomeOf(code, signal, stopReason)));
            if (!options.onOutput)
                return done();
            const bound = setTimeout(() => {
                child.stdout?.destroy();
                child.stderr?.destroy();
                done();
            }, 2000);
            child.once("close", () => {
                clearTimeout(bound);
                done();
            });
        });
    });
}
function outcomeOf(code, signal, stopReason) {
    if (stopReason?.state === "timed_out") {
        return { state: "timed_out", exitCode: timeoutExitCode, signal: signal ?? stopReason.signal };
    }
    if (stopReason?.state === "interrupted") {
        return { state: "interrupted", exitCode: signalExitCode(stopReason.signal), signal: stopReason.signal };
    }
    if (signal)
        return { state: "failed", exitCode: signalExitCode(signal), signal };
    const exitCode = code ?? 1;
    return { state: exitCode === 0 ? "succeeded" : "failed", exitCode };
}


/***/ })

};
