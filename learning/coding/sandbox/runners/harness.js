// The learner's realm, set up before any learner code runs. Evaluated once per fresh
// V8 isolate as `(HARNESS)(config)`; nothing here calls back into Python.
//
// It provides: `console` (log/info/warn/error/debug, captured in order with a level,
// within an output budget in UTF-8 bytes), `readline()`/`prompt()`/`stdin` over the
// run's stdin, setTimeout/setInterval (tracked so the worker knows when the program is
// done), and removes what a learner's program has no use for and an attacker does
// (WebAssembly, SharedArrayBuffer, Atomics.wait). The one global it adds for the
// worker, `__mrict`, is frozen, non-writable and non-configurable.
(function (config) {
  "use strict";
  const G = globalThis;
  // Intrinsics captured before learner code can replace them.
  const ObjectKeys = Object.keys;
  const getOwnPropertyNames = Object.getOwnPropertyNames;
  const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
  const getPrototypeOf = Object.getPrototypeOf;
  const defineProperty = Object.defineProperty;
  const freeze = Object.freeze;
  const isArray = Array.isArray;
  const stringify = JSON.stringify;
  const StringCtor = String;
  const fromCharCode = String.fromCharCode;
  const apply = Reflect.apply;
  const objToString = Object.prototype.toString;
  const fnToString = Function.prototype.toString;
  const errToString = Error.prototype.toString;
  const dateToISO = Date.prototype.toISOString;
  const mapEntries = Map.prototype.entries;
  const setValues = Set.prototype.values;
  const mapSize = getOwnPropertyDescriptor(Map.prototype, "size").get;
  const setSize = getOwnPropertyDescriptor(Set.prototype, "size").get;
  const arrayPush = Array.prototype.push;
  const arrayJoin = Array.prototype.join;
  const strSlice = String.prototype.slice;
  const strCharCodeAt = String.prototype.charCodeAt;
  const strSplit = String.prototype.split;
  const strReplace = String.prototype.replace;
  const waitAsync = Atomics.waitAsync;
  const SAB = G.SharedArrayBuffer;
  const Int32 = Int32Array;
  const PromiseThen = Promise.prototype.then;
  const SetCtor = Set;
  const setAdd = Set.prototype.add;
  const setHas = Set.prototype.has;
  const setDelete = Set.prototype.delete;
  const setClear = Set.prototype.clear;
  const mathMin = Math.min;

  // The common case (no stdin, the usual budget) is set up here, in the pre-warmed
  // isolate, so a run only calls configure() when its job differs.
  let outputLimit = config.outputBytes;
  const nonce = config.nonce;
  let configured = false;
  const entries = [];
  let used = 0;
  let overflow = false;

  class OutputLimitError extends Error {}
  defineProperty(OutputLimitError.prototype, "name", { value: "OutputLimitError" });

  function utf8Length(s) {
    let n = 0;
    for (let i = 0; i < s.length; i++) {
      const c = apply(strCharCodeAt, s, [i]);
      if (c < 0x80) n += 1;
      else if (c < 0x800) n += 2;
      else if (c >= 0xd800 && c <= 0xdbff) {
        n += 4;
        i++;
      } else n += 3;
    }
    return n;
  }

  function emit(level, text) {
    if (overflow) throw new OutputLimitError("Output limit reached");
    // Each entry costs its UTF-8 bytes plus one (the line break a terminal would show).
    const room = outputLimit - used - 1;
    // A string longer (in code units) than the room left cannot fit in UTF-8 either:
    // cut it before measuring, so a 100 MB string costs no more than the budget.
    let piece = room <= 0 ? "" : text.length > room ? apply(strSlice, text, [0, room]) : text;
    let size = utf8Length(piece);
    while (size > room && piece.length) {
      piece = apply(strSlice, piece, [0, piece.length - (size - room)]);
      size = utf8Length(piece);
    }
    if (room < 0) {
      overflow = true;
      throw new OutputLimitError("Output limit reached");
    }
    used += size + 1;
    apply(arrayPush, entries, [{ level: level, text: piece }]);
    if (piece.length < text.length) {
      overflow = true;
      throw new OutputLimitError("Output limit reached");
    }
  }

  // --- a small util.inspect: what Node would print, bounded in depth and width ---
  const MAX_ITEMS = 100;
  const MAX_DEPTH = 2;
  function quote(s) {
    return "'" + apply(strReplace, s, [/'/g, "\\'"]) + "'";
  }
  function fnLabel(v) {
    let src = "";
    try {
      src = apply(fnToString, v, []);
    } catch (e) {}
    const isClass = apply(strSlice, src, [0, 6]) === "class ";
    const name = typeof v.name === "string" && v.name ? v.name : "";
    return isClass ? "[class " + (name || "(anonymous)") + "]" : "[Function: " + (name || "(anonymous)") + "]";
  }
  function inspect(v, depth, seen, top) {
    switch (typeof v) {
      case "string":
        return top ? v : quote(v);
      case "number":
        return v === 0 && 1 / v < 0 ? "-0" : StringCtor(v);
      case "bigint":
        return StringCtor(v) + "n";
      case "boolean":
        return v ? "true" : "false";
      case "undefined":
        return "undefined";
      case "symbol":
        return apply(Symbol.prototype.toString, v, []);
      case "function":
        return fnLabel(v);
    }
    if (v === null) return "null";
    if (apply(setHas, seen, [v])) return "[Circular]";
    const tag = apply(objToString, v, []);
    if (tag === "[object Error]") {
      try {
        return typeof v.stack === "string" && v.stack ? v.stack : apply(errToString, v, []);
      } catch (e) {
        return "[Error]";
      }
    }
    if (tag === "[object Date]") {
      try {
        return apply(dateToISO, v, []);
      } catch (e) {
        return "Invalid Date";
      }
    }
    if (tag === "[object RegExp]") return StringCtor(v);
    if (depth > MAX_DEPTH) return isArray(v) ? "[Array]" : "[Object]";
    apply(setAdd, seen, [v]);
    try {
      const parts = [];
      if (tag === "[object Map]") {
        let i = 0;
        const it = apply(mapEntries, v, []);
        for (let step = it.next(); !step.done; step = it.next()) {
          if (i++ >= MAX_ITEMS) {
            apply(arrayPush, parts, ["..."]);
            break;
          }
          apply(arrayPush, parts, [
            inspect(step.value[0], depth + 1, seen, false) + " => " + inspect(step.value[1], depth + 1, seen, false),
          ]);
        }
        return "Map(" + apply(mapSize, v, []) + ") {" + (parts.length ? " " + apply(arrayJoin, parts, [", "]) + " " : "") + "}";
      }
      if (tag === "[object Set]") {
        let i = 0;
        const it = apply(setValues, v, []);
        for (let step = it.next(); !step.done; step = it.next()) {
          if (i++ >= MAX_ITEMS) {
            apply(arrayPush, parts, ["..."]);
            break;
          }
          apply(arrayPush, parts, [inspect(step.value, depth + 1, seen, false)]);
        }
        return "Set(" + apply(setSize, v, []) + ") {" + (parts.length ? " " + apply(arrayJoin, parts, [", "]) + " " : "") + "}";
      }
      if (isArray(v)) {
        const n = mathMin(v.length, MAX_ITEMS);
        for (let i = 0; i < n; i++) apply(arrayPush, parts, [i in v ? inspect(v[i], depth + 1, seen, false) : "<empty>"]);
        if (v.length > MAX_ITEMS) apply(arrayPush, parts, ["... " + (v.length - MAX_ITEMS) + " more items"]);
        return parts.length ? "[ " + apply(arrayJoin, parts, [", "]) + " ]" : "[]";
      }
      const keys = ObjectKeys(v);
      for (let i = 0; i < keys.length; i++) {
        if (i >= MAX_ITEMS) {
          apply(arrayPush, parts, ["..."]);
          break;
        }
        const key = keys[i];
        const desc = getOwnPropertyDescriptor(v, key);
        const shown = desc && "value" in desc ? inspect(desc.value, depth + 1, seen, false) : "[Getter/Setter]";
        const label = /^[A-Za-z_$][\w$]*$/.test(key) ? key : quote(key);
        apply(arrayPush, parts, [label + ": " + shown]);
      }
      let prefix = "";
      const proto = getPrototypeOf(v);
      if (proto === null) prefix = "[Object: null prototype] ";
      else if (proto !== Object.prototype && proto.constructor && typeof proto.constructor.name === "string") {
        prefix = proto.constructor.name ? proto.constructor.name + " " : "";
      }
      return prefix + (parts.length ? "{ " + apply(arrayJoin, parts, [", "]) + " }" : "{}");
    } finally {
      apply(setDelete, seen, [v]);
    }
  }
  function format(args) {
    const parts = [];
    for (let i = 0; i < args.length; i++) apply(arrayPush, parts, [inspect(args[i], 0, new SetCtor(), true)]);
    return apply(arrayJoin, parts, [" "]);
  }

  const console = {};
  for (const [name, level] of [
    ["log", "log"],
    ["info", "info"],
    ["warn", "warn"],
    ["error", "error"],
    ["debug", "log"],
    ["trace", "log"],
  ]) {
    console[name] = function () {
      emit(level, format(arguments));
    };
  }
  console.table = console.log;
  console.dir = function (v) {
    emit("log", format([v]));
  };
  console.assert = function (cond) {
    if (!cond) {
      const rest = [];
      for (let i = 1; i < arguments.length; i++) apply(arrayPush, rest, [arguments[i]]);
      emit("error", "Assertion failed" + (rest.length ? ": " + format(rest) : ""));
    }
  };
  defineProperty(G, "console", { value: console, writable: true, configurable: true, enumerable: false });

  // --- stdin: set by the worker through configure(), before learner code runs ---
  let stdinText = "";
  let lines = [];
  let lineIndex = 0;
  const readline = function () {
    return lineIndex < lines.length ? lines[lineIndex++] : null;
  };
  defineProperty(G, "stdin", { value: stdinText, writable: true, configurable: true });
  defineProperty(G, "readline", { value: readline, writable: true, configurable: true });
  defineProperty(G, "prompt", { value: readline, writable: true, configurable: true });

  // --- timers, tracked so the worker can wait for a program's callbacks ---
  const pending = new SetCtor();
  let nextTimer = 1;
  function schedule(fn, delay, args, repeat) {
    if (typeof fn !== "function") throw new TypeError("The callback must be a function");
    const id = nextTimer++;
    // Like browsers, at least 1 ms: a 0 ms wait would settle synchronously.
    const ms = delay >= 1 ? +delay : 1;
    apply(setAdd, pending, [id]);
    const tick = () => {
      const view = new Int32(new SAB(4));
      apply(PromiseThen, waitAsync(view, 0, 0, ms).value, [
        () => {
          if (!apply(setHas, pending, [id])) return;
          if (!repeat) apply(setDelete, pending, [id]);
          try {
            apply(fn, undefined, args);
          } catch (e) {
            // Like Node: an uncaught error ends the program, pending timers included.
            if (lastError === null) lastError = describeError(e);
            apply(setClear, pending, []);
          } finally {
            if (repeat && apply(setHas, pending, [id])) tick();
          }
        },
      ]);
    };
    tick();
    return id;
  }
  function rest(args, from) {
    const out = [];
    for (let i = from; i < args.length; i++) apply(arrayPush, out, [args[i]]);
    return out;
  }
  const clear = (id) => {
    apply(setDelete, pending, [id]);
  };
  for (const [name, value] of [
    ["setTimeout", function (fn, delay) { return schedule(fn, delay, rest(arguments, 2), false); }],
    ["setInterval", function (fn, delay) { return schedule(fn, delay, rest(arguments, 2), true); }],
    ["clearTimeout", clear],
    ["clearInterval", clear],
  ]) {
    // mini-racer declared these with `var` (non-configurable): replace the values.
    G[name] = value;
  }

  // --- what the sandbox takes away ---
  delete G.WebAssembly;
  delete G.SharedArrayBuffer;
  delete Atomics.wait;
  delete Atomics.waitAsync;

  // --- the worker's side ---
  let lastError = null;
  const tests = { state: "none", message: "" };

  function describeError(e) {
    if (e instanceof OutputLimitError) return { name: "OutputLimitError", message: "Output limit reached", stack: "" };
    let name = "Error";
    let message = "";
    let stack = "";
    try {
      if (e !== null && (typeof e === "object" || typeof e === "function")) {
        name = typeof e.name === "string" ? e.name : "Error";
        message = typeof e.message === "string" ? e.message : format([e]);
        stack = typeof e.stack === "string" ? e.stack : "";
      } else {
        name = "Uncaught";
        message = format([e]);
      }
    } catch (inner) {
      message = "(the thrown value could not be read)";
    }
    return { name: apply(strSlice, name, [0, 200]), message: apply(strSlice, message, [0, 2000]), stack: apply(strSlice, stack, [0, 4000]) };
  }

  const api = freeze({
    configure(token, stdin, outputBytes) {
      if (token !== nonce || configured) return;
      configured = true;
      outputLimit = outputBytes;
      stdinText = typeof stdin === "string" ? stdin : "";
      lines = stdinText === "" ? [] : apply(strSplit, apply(strReplace, stdinText, [/\r\n/g, "\n"]), ["\n"]);
      if (lines.length && lines[lines.length - 1] === "") lines.length -= 1;
      defineProperty(G, "stdin", { value: stdinText, writable: true, configurable: true });
    },
    // Whether the program (or the registered test) still has work pending.
    busy(token) {
      return apply(setSize, pending, []) > 0 || (token === nonce && tests.state === "running");
    },
    // How many timers are still pending (0 = the program is done).
    pending() {
      return apply(setSize, pending, []);
    },
    // Everything the worker reads back, as one bounded JSON string.
    finish() {
      return stringify({ entries: entries, overflow: overflow, used: used, error: lastError });
    },
    // finish() once no timer is pending, else null: one round trip for most runs.
    settle() {
      return apply(setSize, pending, []) > 0 ? null : api.finish();
    },
    // Uncaught errors inside timer callbacks and promise jobs end up here.
    fail(e) {
      if (lastError === null) lastError = describeError(e);
    },
    describe(e) {
      return stringify(describeError(e));
    },
    // A test is registered once, with the nonce only the worker knows.
    runTest(token, fn) {
      if (token !== nonce || tests.state !== "none") return;
      tests.state = "running";
      let promise;
      try {
        promise = fn();
      } catch (e) {
        tests.state = "failed";
        tests.error = describeError(e);
        return;
      }
      apply(PromiseThen, promise, [
        () => {
          if (tests.state === "running") tests.state = "passed";
        },
        (e) => {
          if (tests.state === "running") {
            tests.state = "failed";
            tests.error = describeError(e);
          }
        },
      ]);
    },
    testStatus(token) {
      if (token !== nonce) return "{}";
      return stringify({ state: tests.state, error: tests.error || null });
    },
  });
  defineProperty(G, "__mrict", { value: api, writable: false, configurable: false, enumerable: false });
  return "ready";
});
