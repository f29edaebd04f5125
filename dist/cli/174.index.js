export const id = 174;
export const ids = [174];
export const modules = {

/***/ 4174:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   EL: () => (/* binding */ logFileName),
/* harmony export */   Up: () => (/* binding */ logKey),
/* harmony export */   embeddedTableName: () => (/* binding */ embeddedTableName)
/* harmony export */ });
/* unused harmony export safeNamePart */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);

/** Table part of the key for the embedded store, which has no table: the original tool's default table name. */
const embeddedTableName = "runjop";
/** Longest part of a name, in characters, so that the name fits a 255-byte file name and the key 1024 bytes. */
const maxPart = { table: 48, id: 96, node: 48 };
/**
 * Replaces each character outside A-Z a-z 0-9 '.' '_' '-' with '_': S3 keys accept more, but
 * '/', spaces, '%', '+' and non-ASCII text break URLs, shells and file names. Replacement keeps
 * the length, so the final key (logged by the caller) shows where each character was.
 */
function safeNamePart(text) {
    return text.replace(/[^A-Za-z0-9._-]/gu, "_");
}
/**
 * Makes a part safe, and cuts a long one. A part that was changed ends with '-' and 8 hex digits
 * of the original's SHA-256, so that ids such as "backup/db" and "backup_db", or two long ids
 * with the same start, keep distinct keys.
 */
function fit(text, max) {
    const safe = safeNamePart(text);
    if (safe === text && safe.length <= max)
        return safe;
    const digest = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)("sha256").update(text).digest("hex").slice(0, 8);
    return `${safe.slice(0, max - 9)}-${digest}`;
}
/** Formats the start time as YYYYMMDD-hhmmss in UTC. */
function stamp(startMs) {
    const iso = new Date(startMs).toISOString();
    return `${iso.slice(0, 10).replaceAll("-", "")}-${iso.slice(11, 19).replaceAll(":", "")}`;
}
/** Builds the file name `{table}-{id}-{YYYYMMDD}-{hhmmss}-{node}.log`, with the UTC start time of the run. */
function logFileName(parts) {
    const table = fit(parts.table, maxPart.table);
    const id = fit(parts.id, maxPart.id);
    const node = fit(parts.node, maxPart.node);
    return `${table}-${id}-${stamp(parts.startMs)}-${node}.log`;
}
/** Joins the prefix (no slash at either end, possibly empty) and the file name into the object key. */
function logKey(prefix, fileName) {
    return prefix === "" ? fileName : `${prefix}/${fileName}`;
}


/***/ })

};
