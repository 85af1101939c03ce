#include "ScriptPrelude.h"

namespace ScriptPrelude {

const QString &source()
{
    static const QString text = QStringLiteral(R"JS((function (native, global) {
"use strict";
const DROP = Object.freeze({ toString() { return "DROP"; } });

// The first line of the user's script in a stack ("fn@file:sockscope-script:12").
function lineOf(error) {
    if (error === null || typeof error !== "object")
        return 0;
    const stack = String(error.stack || "").split("\n");
    for (const frame of stack) {
        const m = /sockscope-script:(\d+)(?::\d+)?\s*$/.exec(frame);
        if (m)
            return Number(m[1]);
    }
    return typeof error.lineNumber === "number" && !/prelude/.test(String(error.fileName))
        ? error.lineNumber : 0;
}
function show(value) {
    if (typeof value === "string")
        return JSON.stringify(value);
    if (value instanceof ArrayBuffer)
        return "ArrayBuffer(" + value.byteLength + ")";
    if (typeof value === "function")
        return "function";
    if (typeof value === "object" && value !== null) {
        try { return JSON.stringify(value); } catch (e) { return String(value); }
    }
    return String(value);
}
function describe(error) {
    if (error instanceof Error)
        return error.name + ": " + error.message;
    return "uncaught " + show(error);
}
function report(where, error) {
    native.error(where + ": " + describe(error), lineOf(error));
}
// What goes on the wire for a value: text, or an ArrayBuffer for binary.
function payloadOf(value) {
    if (typeof value === "string" || value instanceof ArrayBuffer)
        return value;
    if (ArrayBuffer.isView(value))
        return value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength);
    if (typeof value === "object" && value !== null)
        return JSON.stringify(value);
    return String(value);
}

const ctx = {
    send(data) {
        const p = payloadOf(data);
        if (typeof p === "string")
            native.sendText(p);
        else
            native.sendBinary(p);
    },
    close(code, reason) {
        native.close(code === undefined ? 1000 : Number(code),
            reason === undefined ? "" : String(reason));
    },
    after(ms, fn) { return native.addTimer(Number(ms), fn, false); },
    every(ms, fn) { return native.addTimer(Number(ms), fn, true); },
    cancel(id) { native.cancelTimer(Number(id)); },
    vars: {},
};
Object.defineProperty(ctx, "vars", { value: ctx.vars, writable: false });
Object.freeze(ctx);

function Message(data, direction, time, size) {
    this.data = data;
    this.direction = direction;
    this.time = time;
    this.size = size;
}
// Parsed on first use only, and once.
Object.defineProperty(Message.prototype, "json", {
    get() {
        const value = typeof this.data === "string" ? JSON.parse(this.data) : undefined;
        Object.defineProperty(this, "json", { value: value });
        return value;
    },
});

function ExpectationError(message) {
    const e = new Error(message);
    e.name = "ExpectationError";
    return e;
}
function equal(a, b) {
    if (Object.is(a, b))
        return true;
    if (typeof a !== "object" || typeof b !== "object" || a === null || b === null)
        return false;
    if (Array.isArray(a) !== Array.isArray(b))
        return false;
    const ka = Object.keys(a), kb = Object.keys(b);
    if (ka.length !== kb.length)
        return false;
    return ka.every(k => Object.prototype.hasOwnProperty.call(b, k) && equal(a[k], b[k]));
}
function expect(actual) {
    function make(negated) {
        const check = (ok, what) => {
            if (ok === negated)
                throw ExpectationError("expected " + show(actual) + (negated ? " not " : " ")
                    + what);
        };
        return {
            toBe(expected) { check(Object.is(actual, expected), "to be " + show(expected)); },
            toEqual(expected) { check(equal(actual, expected), "to equal " + show(expected)); },
            toMatch(pattern) {
                const ok = pattern instanceof RegExp ? pattern.test(String(actual))
                                                     : String(actual).includes(String(pattern));
                check(ok, "to match " + String(pattern));
            },
            toBeGreaterThan(n) { check(actual > n, "to be greater than " + show(n)); },
        };
    }
    const positive = make(false);
    positive.not = make(true);
    return positive;
}
function test(name, fn) {
    name = String(name);
    const at = lineOf(new Error()); // where test() was called
    try {
        fn();
        native.testResult(name, true, "", at);
    } catch (e) {
        native.testResult(name, false, e instanceof Error && e.name === "ExpectationError"
            ? e.message : describe(e), lineOf(e) || at);
    }
}
function log() {
    const parts = [];
    for (let i = 0; i < arguments.length; ++i)
        parts.push(typeof arguments[i] === "string" ? arguments[i] : show(arguments[i]));
    native.log(parts.join(" "), lineOf(new Error()));
}

for (const [name, value] of [["DROP", DROP], ["log", log], ["test", test], ["expect", expect]])
    Object.defineProperty(global, name, { value: value, writable: true, configurable: true });
// Nothing that could block a thread outside the watchdog's reach.
delete global.Atomics;
delete global.SharedArrayBuffer;

function call(where, fn, a, b, c) {
    try {
        return fn(a, b, c);
    } catch (e) {
        report(where, e);
        return undefined;
    }
}

return {
    DROP: DROP,
    handles(name) { return typeof global[name] === "function"; },
    open() {
        if (typeof global.onOpen === "function")
            call("onOpen", global.onOpen, ctx);
    },
    close(code, reason) {
        if (typeof global.onClose === "function")
            call("onClose", global.onClose, code, reason, ctx);
    },
    timer(fn) { call("timer", fn, ctx); },
    message(data, direction, time, size) {
        if (typeof global.onMessage !== "function")
            return undefined;
        const r = call("onMessage", global.onMessage, new Message(data, direction, time, size),
            ctx);
        if (r === undefined || r === null || r === DROP)
            return r === DROP ? DROP : undefined;
        try {
            return payloadOf(r);
        } catch (e) {
            report("onMessage's result", e);
            return undefined;
        }
    },
};
}))JS");
    return text;
}

} // namespace ScriptPrelude
