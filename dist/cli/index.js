import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 3916:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   JH: () => (/* binding */ ReserveError),
/* harmony export */   bD: () => (/* binding */ messageOf),
/* harmony export */   eb: () => (/* binding */ UsageError),
/* harmony export */   tJ: () => (/* binding */ RunjopError),
/* harmony export */   yU: () => (/* binding */ ExitCode)
/* harmony export */ });
/**
 * Exit statuses of runjop itself. A command that ran exits with its own status
 * (128 + N when signal N killed it), so these values follow sysexits.h to stay
 * clear of the 1, 2, 126 and 127 that shells use.
 */
const ExitCode = {
    /** The command ran and succeeded, or another contender holds the range. */
    ok: 0,
    /** Invalid options or input: nothing was reserved and the command did not run. */
    usage: 64,
    /** A bug in runjop: nothing was reserved, or the reservation is released by its lease. */
    internal: 70,
    /** The store could not be reached or did not decide in time: the command did not run. */
    couldNotReserve: 75,
};
/** An error that ends runjop with a given exit status and a one-line message. */
class RunjopError extends Error {
    exitCode;
    constructor(message, exitCode, options) {
        super(message, options);
        this.exitCode = exitCode;
        this.name = "RunjopError";
    }
}
/** An invalid option, value or input file: exit status 64. */
class UsageError extends RunjopError {
    constructor(message, options) {
        super(message, ExitCode.usage, options);
        this.name = "UsageError";
    }
}
/** The store failed before deciding: exit status 75, and the command does not run. */
class ReserveError extends RunjopError {
    constructor(message, options) {
        super(message, ExitCode.couldNotReserve, options);
        this.name = "ReserveError";
    }
}
/** Returns the message of any thrown value, for log lines. */
function messageOf(error) {
    if (error instanceof Error)
        return error.message || error.name;
    return String(error);
}


/***/ }),

/***/ 8750:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   GZ: () => (/* binding */ validateId),
/* harmony export */   NT: () => (/* binding */ defaults),
/* harmony export */   T2: () => (/* binding */ validateNode),
/* harmony export */   fL: () => (/* binding */ parseSeconds),
/* harmony export */   jq: () => (/* binding */ validateRegion),
/* harmony export */   u3: () => (/* binding */ defaultNode),
/* harmony export */   uo: () => (/* binding */ defaultStorePath),
/* harmony export */   wv: () => (/* binding */ validateUrl),
/* harmony export */   zL: () => (/* binding */ validateTable)
/* harmony export */ });
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(8161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_os__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__nccwpck_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(3916);



const defaults = {
    rangeSeconds: 300,
    leaseSeconds: 60,
    killGraceSeconds: 10,
    region: "us-east-1",
};
/** Longest accepted range or timeout: one year, so that millisecond sums stay exact. */
const maxSeconds = 366 * 24 * 3600;
/** Parses a whole number of seconds, naming the option and value when it is not one. */
function parseSeconds(option, value) {
    const trimmed = value.trim();
    if (!/^[0-9]+$/.test(trimmed)) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .UsageError */ .eb(`invalid ${option} '${value}': expected a whole number of seconds greater than 0, such as 300`);
    }
    const seconds = Number(trimmed);
    if (seconds < 1 || seconds > maxSeconds) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .UsageError */ .eb(`invalid ${option} '${value}': expected a whole number of seconds from 1 to ${maxSeconds}`);
    }
    return seconds;
}
/** DynamoDB limits a partition key to 2048 bytes of UTF-8. */
const maxIdBytes = 2048;
/** Checks a job id: DynamoDB's key limits, and no control characters that would break log lines. */
function validateId(option, id) {
    if (id === undefined || id === "") {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .UsageError */ .eb(`missing ${option}: give the job a name shared by all hosts, such as ${option} nightly-report`);
    }
    if (Buffer.byteLength(id, "utf8") > maxIdBytes) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .UsageError */ .eb(`invalid ${option}: ${Buffer.byteLength(id, "utf8")} bytes is longer than DynamoDB's ${maxIdBytes}-byte key limit`);
    }
    checkPrintable(option, id);
    return id;
}
/** Checks a contender name: non-empty, printable, at most 255 characters. */
function validateNode(option, node) {
    if (node === "")
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .UsageError */ .eb(`invalid ${option} '': expected a non-empty name for this contender`);
    if (node.length > 255)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .UsageError */ .eb(`invalid ${option}: ${node.length} characters is longer than 255`);
    checkPrintable(option, node);
    return node;
}
function checkPrintable(option, value) {
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(value)) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .UsageError */ .eb(`invalid ${option} ${JSON.stringify(value)}: control characters such as newlines are not allowed`);
    }
}
/** Checks a table name against DynamoDB's rule: 3 to 255 of A-Z a-z 0-9 _ - . */
function validateTable(option, table) {
    if (!/^[A-Za-z0-9_.-]{3,255}$/.test(table)) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .UsageError */ .eb(`invalid ${option} '${table}': DynamoDB table names are 3 to 255 characters of A-Z, a-z, 0-9, '_', '-' and '.'`);
    }
    return table;
}
function validateRegion(option, region) {
    if (!/^[a-z0-9-]{2,32}$/.test(region)) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .UsageError */ .eb(`invalid ${option} '${region}': expected an AWS region name such as eu-west-1`);
    }
    return region;
}
function validateUrl(option, url) {
    let parsed;
    try {
        parsed = new URL(url);
    }
    catch {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .UsageError */ .eb(`invalid ${option} '${url}': expected a URL such as http://127.0.0.1:8000`);
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .UsageError */ .eb(`invalid ${option} '${url}': expected an http:// or https:// URL`);
    }
    return url;
}
/** Returns the embedded store's default file: $XDG_STATE_HOME/runjop/runjop.sqlite, else ~/.local/state. */
function defaultStorePath(env = process.env) {
    const stateHome = env.XDG_STATE_HOME && env.XDG_STATE_HOME.startsWith("/") ? env.XDG_STATE_HOME : (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)((0,node_os__WEBPACK_IMPORTED_MODULE_0__.homedir)(), ".local", "state");
    return (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(stateHome, "runjop", "runjop.sqlite");
}
function defaultNode() {
    return (0,node_os__WEBPACK_IMPORTED_MODULE_0__.hostname)();
}


/***/ }),

/***/ 7940:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   a: () => (/* binding */ formatUtc)
/* harmony export */ });
/** Formats a time as the original tool did: "YYYY-MM-DD HH:MM:SS" in UTC. */
function formatUtc(ms) {
    return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}


/***/ }),

/***/ 6698:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:async_hooks");

/***/ }),

/***/ 1421:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");

/***/ }),

/***/ 7598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");

/***/ }),

/***/ 3024:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");

/***/ }),

/***/ 1455:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");

/***/ }),

/***/ 7067:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");

/***/ }),

/***/ 2467:
/***/ ((module) => {

let http2;
const loadHttp2 = () => (http2 ??= __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http2"));
const lazyObject = (load, get = (key) => load()[key]) =>
  new Proxy({}, {
    get: (_, key) => get(key),
    has: (_, key) => key in load(),
    ownKeys: () => Reflect.ownKeys(load()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(load(), key);
      return descriptor && { ...descriptor, configurable: true };
    },
  });
const lazyConstants = lazyObject(() => loadHttp2().constants);
module.exports = lazyObject(loadHttp2, (key) => {
  if (key === "__esModule") return undefined;
  if (key === "constants" && http2 === undefined) return lazyConstants;
  return loadHttp2()[key];
});

/***/ }),

/***/ 4708:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:https");

/***/ }),

/***/ 8161:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");

/***/ }),

/***/ 6760:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");

/***/ }),

/***/ 1708:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:process");

/***/ }),

/***/ 99:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:sqlite");

/***/ }),

/***/ 7075:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");

/***/ }),

/***/ 7975:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");

/***/ }),

/***/ 8522:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId].call(module.exports, module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/compat get default export */
/******/ (() => {
/******/ 	// getDefaultExport function for compatibility with non-harmony modules
/******/ 	__nccwpck_require__.n = (module) => {
/******/ 		var getter = module && module.__esModule ?
/******/ 			() => (module['default']) :
/******/ 			() => (module);
/******/ 		__nccwpck_require__.d(getter, { a: getter });
/******/ 		return getter;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/create fake namespace object */
/******/ (() => {
/******/ 	var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 	var leafPrototypes;
/******/ 	// create a fake namespace object
/******/ 	// mode & 1: value is a module id, require it
/******/ 	// mode & 2: merge all properties of value into the ns
/******/ 	// mode & 4: return value when already ns object
/******/ 	// mode & 16: return value when it's Promise-like
/******/ 	// mode & 8|1: behave like require
/******/ 	__nccwpck_require__.t = function(value, mode) {
/******/ 		if(mode & 1) value = this(value);
/******/ 		if(mode & 8) return value;
/******/ 		if(typeof value === 'object' && value) {
/******/ 			if((mode & 4) && value.__esModule) return value;
/******/ 			if((mode & 16) && typeof value.then === 'function') return value;
/******/ 		}
/******/ 		var ns = Object.create(null);
/******/ 		__nccwpck_require__.r(ns);
/******/ 		var def = {};
/******/ 		leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 		for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 			Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 		}
/******/ 		def['default'] = () => (value);
/******/ 		__nccwpck_require__.d(ns, def);
/******/ 		return ns;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "" + chunkId + ".index.js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
var __webpack_exports__ = {};

// EXTERNAL MODULE: ./src/errors.ts
var errors = __nccwpck_require__(3916);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(3024);
;// CONCATENATED MODULE: ./src/stderr.ts

/**
 * Writes a line to file descriptor 2 without creating process.stderr, whose stream object costs
 * about 3 ms at start-up when stderr is a pipe (Node 24.21, measured on 2 cores). When stderr
 * would block (EAGAIN), the rest of the line goes through process.stderr. Other errors, such as a
 * closed pipe, are ignored, so that a lost log line cannot change runjop's exit status.
 */
function writeStderr(line) {
    const bytes = Buffer.from(line);
    let written = 0;
    try {
        while (written < bytes.length)
            written += (0,external_node_fs_.writeSync)(2, bytes, written);
    }
    catch (error) {
        if (error.code === "EAGAIN")
            process.stderr.write(bytes.subarray(written));
    }
}

;// CONCATENATED MODULE: ./src/log.ts



const rank = { debug: 0, info: 1, warn: 2, error: 3 };
/**
 * Writes "runjop: message" lines to stderr, so that the command's own stdout stays clean,
 * and appends "TIME LEVEL [job] message" lines to the --log file. A log file that cannot be
 * written is reported once on stderr and then ignored: the job must not fail because of it.
 */
class CliLogger {
    options;
    fileFailed = false;
    stderr;
    constructor(options) {
        this.options = options;
        this.stderr = options.stderr ?? writeStderr;
    }
    debug(message) {
        this.write("debug", message);
    }
    info(message) {
        this.write("info", message);
    }
    warn(message) {
        this.write("warn", message);
    }
    error(message) {
        this.write("error", message);
    }
    write(level, message) {
        if (rank[level] < rank[this.options.level])
            return;
        const prefix = level === "info" ? "runjop: " : `runjop: ${level === "warn" ? "warning" : level}: `;
        this.stderr(`${prefix}${message}\n`);
        if (this.options.file && !this.fileFailed) {
            const job = this.options.jobId === undefined ? "" : ` [${this.options.jobId}]`;
            try {
                (0,external_node_fs_.appendFileSync)(this.options.file, `${new Date().toISOString()} ${level.toUpperCase()}${job} ${message}\n`);
            }
            catch (error) {
                this.fileFailed = true;
                this.stderr(`runjop: warning: cannot append to log file ${this.options.file}: ${(0,errors/* messageOf */.bD)(error)}; logging to stderr only\n`);
            }
        }
    }
}

// EXTERNAL MODULE: ./src/store/types.ts
var types = __nccwpck_require__(7940);
;// CONCATENATED MODULE: ./src/token.ts

/**
 * Returns a random version 4 UUID that identifies one contender's reservation. The 16 random
 * bytes come from /dev/urandom, because importing node:crypto for randomUUID() costs about 4 ms
 * of every run (Node 24.21, 2 cores). Where /dev/urandom cannot be read, node:crypto makes the UUID.
 */
function randomToken() {
    const bytes = Buffer.alloc(16);
    try {
        const fd = (0,external_node_fs_.openSync)("/dev/urandom", "r");
        try {
            if ((0,external_node_fs_.readSync)(fd, bytes, 0, 16, null) !== 16)
                throw new Error("short read from /dev/urandom");
        }
        finally {
            (0,external_node_fs_.closeSync)(fd);
        }
    }
    catch {
        return process.getBuiltinModule("node:crypto").randomUUID();
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = bytes.toString("hex");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

;// CONCATENATED MODULE: ./src/runner.ts



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
    const since = (0,types/* formatUtc */.a)(holder.startMs);
    return `node ${holder.node} holds it with run ${holder.counter}, started ${since} UTC (${holder.state})`;
}
/**
 * Reserves the job, and when this contender wins, runs the command and records its outcome.
 * A contender that loses returns at once with exit status 0.
 */
async function reserveAndRun(context) {
    const { settings, store, logger } = context;
    const token = randomToken();
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
        time: (0,types/* formatUtc */.a)(nowMs),
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
        logger.warn(`could not record the start of run ${run.counter}: ${(0,errors/* messageOf */.bD)(error)}`);
    });
    const heartbeat = startHeartbeat(context, token);
    // job.ts loads node:child_process, which only the winner needs, so a contender that skips exits without loading it.
    const { runJob } = await __nccwpck_require__.e(/* import() */ 228).then(__nccwpck_require__.bind(__nccwpck_require__, 7228));
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
        logger.error(`could not record the outcome of run ${run.counter} (${outcome.state}, exit status ${outcome.exitCode}): ${(0,errors/* messageOf */.bD)(error)}`);
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
            .catch((error) => logger.warn(`could not renew the lease of job ${settings.id}: ${(0,errors/* messageOf */.bD)(error)}`));
    }, Math.max(1000, Math.floor(leaseMs / 3)));
    timer.unref();
    return { stop: () => clearInterval(timer) };
}

;// CONCATENATED MODULE: ./src/store/open.ts
/**
 * Opens the configured store. Each store's module is imported only when used, so that the
 * embedded store and `--help` never load the AWS SDK.
 */
async function openStore(settings, logger) {
    if (settings.kind === "sqlite") {
        const { SqliteStore } = await __nccwpck_require__.e(/* import() */ 909).then(__nccwpck_require__.bind(__nccwpck_require__, 9909));
        return SqliteStore.open(settings.path);
    }
    const { DynamoStore } = await Promise.all(/* import() */[__nccwpck_require__.e(919), __nccwpck_require__.e(269)]).then(__nccwpck_require__.bind(__nccwpck_require__, 3269));
    return new DynamoStore({ ...settings, logger });
}

;// CONCATENATED MODULE: ./package.json
const package_namespaceObject = {"rE":"1.0.0"};
;// CONCATENATED MODULE: ./src/version.ts

const version = package_namespaceObject.rE;

// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __nccwpck_require__(7975);
// EXTERNAL MODULE: ./src/settings.ts
var settings = __nccwpck_require__(8750);
;// CONCATENATED MODULE: ./src/cli/options.ts



/** Options of `runjop [options] "command"`, named as in the original Python tool where it had them. */
const runOptions = [
    { name: "id", type: "string", value: "ID", help: "job name shared by every host (required)" },
    { name: "range", type: "string", value: "S", help: `seconds after a run starts in which no other run may start (default ${settings/* defaults */.NT.rangeSeconds})` },
    { name: "node", type: "string", value: "NAME", help: "this host's name in the activity log (default: the host name)" },
    { name: "table", type: "string", value: "NAME", help: "DynamoDB table; giving it selects DynamoDB (created on first use)" },
    { name: "region", type: "string", value: "REGION", help: `AWS region (default: AWS_REGION or the profile's region, else ${settings/* defaults */.NT.region})` },
    { name: "endpoint-url", type: "string", value: "URL", help: "DynamoDB-compatible endpoint (default: AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL, AWS)" },
    { name: "store-path", type: "string", value: "FILE", help: "SQLite file of the embedded store, used without --table (default: $XDG_STATE_HOME/runjop/runjop.sqlite)" },
    { name: "timeout", type: "string", value: "S", help: "stop the command after S seconds and record it as timed out" },
    { name: "lease", type: "string", value: "S", help: `seconds a run's lease lasts without a heartbeat (default ${settings/* defaults */.NT.leaseSeconds})` },
    { name: "allow-overlap", type: "boolean", help: "let the next range start while a run that outlasted its range still runs" },
    { name: "log", type: "string", value: "FILE", help: "append runjop's own log to FILE, with the time and the job id on each line" },
    { name: "debug", short: "d", type: "boolean", help: "log debug detail" },
    { name: "quiet", short: "q", type: "boolean", help: "log only warnings and errors" },
    { name: "help", short: "h", type: "boolean", help: "show this help and exit" },
    { name: "version", short: "V", type: "boolean", help: "show the version and exit" },
];
/** Parses argv with Node's util.parseArgs: options may come before or after the command, as --x V or --x=V. */
function parseOptions(argv, specs) {
    const options = {};
    for (const spec of specs) {
        options[spec.name] = { type: spec.type, ...(spec.short ? { short: spec.short } : {}) };
    }
    let parsed;
    try {
        parsed = (0,external_node_util_.parseArgs)({ args: argv, options, allowPositionals: true, strict: true, tokens: true });
    }
    catch (error) {
        throw new errors/* UsageError */.eb(`${rewordParseError(error)}; run 'runjop --help' for the options`);
    }
    const terminator = parsed.tokens.find((token) => token.kind === "option-terminator");
    const positionals = [];
    const afterTerminator = [];
    for (const token of parsed.tokens) {
        if (token.kind !== "positional")
            continue;
        if (terminator && token.index > terminator.index)
            afterTerminator.push(token.value);
        else
            positionals.push(token.value);
    }
    return { values: parsed.values, positionals, afterTerminator };
}
function rewordParseError(error) {
    const message = error instanceof Error ? error.message : String(error);
    const unknown = /Unknown option '([^']+)'/.exec(message);
    if (unknown)
        return `unknown option '${unknown[1]}'`;
    const missing = /Option '(?:-\w, )?(--[\w-]+) <value>' argument missing/.exec(message);
    if (missing)
        return `missing value for ${missing[1]}`;
    const noValue = /Option '(--[\w-]+)' does not take an argument/.exec(message);
    if (noValue)
        return `option ${noValue[1]} takes no value`;
    return message.split("\n")[0].replace(/\.$/, "");
}
/** Builds the command: one quoted string for the shell, or the words after `--` run directly. */
function buildCommand(positionals, afterTerminator) {
    if (afterTerminator.length > 0) {
        if (positionals.length > 0) {
            throw new errors/* UsageError */.eb(`unexpected argument '${positionals[0]}' before '--': give either one quoted command or '-- program args...', not both`);
        }
        return { kind: "exec", file: afterTerminator[0], args: afterTerminator.slice(1) };
    }
    if (positionals.length === 0) {
        throw new errors/* UsageError */.eb(`missing command: give it as one quoted string, such as runjop --id backup "tar czf /tmp/b.tgz /etc", or after '--'`);
    }
    if (positionals.length > 1) {
        throw new errors/* UsageError */.eb(`expected one quoted command but got ${positionals.length} arguments (${positionals.map((p) => `'${p}'`).join(" ")}): quote the whole command, or put '--' before a program and its arguments`);
    }
    if (positionals[0].trim() === "")
        throw new errors/* UsageError */.eb("missing command: the command string is empty");
    return { kind: "shell", script: positionals[0] };
}
function stringValue(values, name) {
    const value = values[name];
    return typeof value === "string" ? value : undefined;
}
/** Selects DynamoDB when a table is given, else the embedded SQLite store. */
function storeFromValues(values, env = process.env) {
    const table = stringValue(values, "table");
    const region = stringValue(values, "region");
    const endpointUrl = stringValue(values, "endpoint-url");
    if (table === undefined) {
        for (const name of ["region", "endpoint-url"]) {
            if (values[name] !== undefined)
                throw new errors/* UsageError */.eb(`--${name} needs --table: without --table runjop uses the embedded store`);
        }
        const path = stringValue(values, "store-path") ?? (0,settings/* defaultStorePath */.uo)(env);
        if (path === "")
            throw new errors/* UsageError */.eb("invalid --store-path '': expected a file path");
        return { kind: "sqlite", path };
    }
    if (values["store-path"] !== undefined) {
        throw new errors/* UsageError */.eb("--store-path and --table exclude each other: --table selects DynamoDB, --store-path the embedded store");
    }
    return {
        kind: "dynamodb",
        table: (0,settings/* validateTable */.zL)("--table", table),
        region: region === undefined ? undefined : (0,settings/* validateRegion */.jq)("--region", region),
        endpointUrl: endpointUrl === undefined ? undefined : (0,settings/* validateUrl */.wv)("--endpoint-url", endpointUrl),
    };
}
/** Turns parsed argv into validated run settings, or throws a UsageError naming the bad value. */
function runSettingsFromArgs(values, positionals, afterTerminator) {
    const id = (0,settings/* validateId */.GZ)("--id", stringValue(values, "id"));
    const range = stringValue(values, "range");
    const lease = stringValue(values, "lease");
    const timeout = stringValue(values, "timeout");
    const node = stringValue(values, "node");
    return {
        id,
        rangeSeconds: range === undefined ? settings/* defaults */.NT.rangeSeconds : (0,settings/* parseSeconds */.fL)("--range", range),
        node: node === undefined ? (0,settings/* defaultNode */.u3)() : (0,settings/* validateNode */.T2)("--node", node),
        store: storeFromValues(values),
        command: buildCommand(positionals, afterTerminator),
        leaseSeconds: lease === undefined ? settings/* defaults */.NT.leaseSeconds : (0,settings/* parseSeconds */.fL)("--lease", lease),
        allowOverlap: values["allow-overlap"] === true,
        timeoutSeconds: timeout === undefined ? undefined : (0,settings/* parseSeconds */.fL)("--timeout", timeout),
        killGraceSeconds: settings/* defaults */.NT.killGraceSeconds,
    };
}
/** Formats option lines for --help, aligned in two columns. */
function formatOptions(specs) {
    const left = specs.map((spec) => {
        const flag = `${spec.short ? `-${spec.short}, ` : "    "}--${spec.name}${spec.value ? ` ${spec.value}` : ""}`;
        return flag;
    });
    const width = Math.max(...left.map((text) => text.length)) + 2;
    return specs.map((spec, index) => `  ${left[index].padEnd(width)}${spec.help}`).join("\n");
}

;// CONCATENATED MODULE: ./src/cli/main.ts






const usage = `Usage: runjop [options] "<command>"
       runjop [options] -- program [argument ...]

Run Just Once Please: runs a command once across every host that starts it in the
same range of time. Each host asks a shared store for the right to run the job;
one wins and runs the command, the others skip and exit 0.

With --table the store is a DynamoDB table, shared by many hosts. Without it the
store is an SQLite file on this host, shared by its cron entries and users.

Options:
${formatOptions(runOptions)}

Exit status:
  the command's own status when it ran (128+N when signal N ended it, 124 when --timeout did)
  0   another contender holds the range, so the command did not run
  64  invalid options or input; nothing was reserved
  70  internal error in runjop
  75  the store could not be reached or did not decide in time; the command did not run

The command sees RUNJOP_ID, RUNJOP_COUNTER (the run's number, a fencing token)
and RUNJOP_NODE in its environment.
`;
/** Parses argv, runs the job, and returns runjop's exit status. Never throws. */
async function main(argv) {
    let logger = new CliLogger({ level: "info" });
    let store;
    try {
        const { values, positionals, afterTerminator } = parseOptions(argv, runOptions);
        if (values.help) {
            process.stdout.write(usage);
            return errors/* ExitCode */.yU.ok;
        }
        if (values.version) {
            process.stdout.write(`runjop ${version}\n`);
            return errors/* ExitCode */.yU.ok;
        }
        const level = values.debug ? "debug" : values.quiet ? "warn" : "info";
        const logFile = typeof values.log === "string" ? values.log : undefined;
        logger = new CliLogger({ level, file: logFile, jobId: typeof values.id === "string" ? values.id : undefined });
        const settings = runSettingsFromArgs(values, positionals, afterTerminator);
        store = await openStore(settings.store, logger);
        logger.info(`using ${store.description}`);
        const result = await reserveAndRun({ settings, store, logger });
        return result.exitCode;
    }
    catch (error) {
        if (error instanceof errors/* RunjopError */.tJ) {
            logger.error(error.message);
            return error.exitCode;
        }
        logger.error(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : (0,errors/* messageOf */.bD)(error)}`);
        return errors/* ExitCode */.yU.internal;
    }
    finally {
        await store?.close().catch(() => undefined);
    }
}

;// CONCATENATED MODULE: ./src/cli/index.ts

// Exits explicitly once the job and its bookkeeping are done: an SDK socket kept alive or a
// grandchild holding a pipe must not keep runjop running.
main(process.argv.slice(2)).then((code) => process.exit(code));

