// Long-lived worker for the local code sandbox: runs Dify "code" nodes written in JavaScript.
// Protocol: one JSON request per line on stdin, one JSON response per line on stdout.
// The host starts it as: node [limits/permission flags] node_worker.js <max captured console chars>
//
// Each call gets a fresh vm context. No host object is ever handed to that context (inputs go in
// as a JSON string and are parsed inside; console is defined by code running inside), so the
// classic `this.constructor.constructor('return process')()` escape only reaches the context's
// own Function, which has no require, process or module.
'use strict';
const vm = require('vm');

const MAX_CAPTURE = Number(process.argv[2] || 65536);

// Runs inside each context before user code: a console that only appends to an in-context buffer.
const BOOTSTRAP = `(function (g, limit) {
  const logs = []; let size = 0;
  const fmt = (a) => { if (typeof a === 'string') return a; try { return JSON.stringify(a); } catch (e) { return String(a); } };
  const write = (...args) => { if (size >= limit) return; const s = args.map(fmt).join(' ').slice(0, limit - size); logs.push(s); size += s.length + 1; };
  g.console = { log: write, info: write, warn: write, error: write, debug: write, trace: write };
  Object.defineProperty(g, '__sandboxLogs', { value: () => logs.join('\\n'), enumerable: false });
})(globalThis, ${MAX_CAPTURE});`;

// Runs inside the context after user code: calls main and settles its (possibly async) result.
// With microtaskMode 'afterEvaluate' the context's promise jobs all run before runInContext
// returns (and under its timeout); there are no timers in the context, so an unsettled promise
// at that point can never settle.
const RUNNER = `(function (g) {
  const lineOf = (e) => { const m = /code\\.js:(\\d+)/.exec(String(e && e.stack)); return m ? ' (line ' + m[1] + ')' : ''; };
  const describe = (e) => (e instanceof Error || (e && typeof e === 'object' && 'message' in e))
    ? (e.name || 'Error') + ': ' + e.message + lineOf(e) : 'Uncaught ' + String(e);
  const settle = (v) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      const t = v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
      return { ok: false, error: 'main must return an object, got ' + t };
    }
    try { return { ok: true, json: JSON.stringify(v) }; }
    catch (e) { return { ok: false, error: "main's result is not JSON serializable: " + describe(e) }; }
  };
  g.__sandboxDone = undefined;
  if (typeof main !== 'function') {
    g.__sandboxDone = { ok: false, error: 'main function is not defined: the code must define function main({...})' };
    return;
  }
  let r;
  try { r = main(JSON.parse(g.__sandboxInputs)); }
  catch (e) { g.__sandboxDone = { ok: false, error: describe(e) }; return; }
  Promise.resolve(r).then((v) => { g.__sandboxDone = settle(v); }, (e) => { g.__sandboxDone = { ok: false, error: describe(e) }; });
})(globalThis);`;

function send(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

function syntaxLine(e) {
  const m = /code\.js:(\d+)/.exec(String(e && e.stack));
  return m ? ' (line ' + m[1] + ')' : '';
}

function isTimeout(e) {
  return e && e.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT';
}

function handle(req) {
  if (req.lang !== 'javascript') return { ok: false, kind: 'internal', error: 'unsupported language ' + req.lang };
  const deadline = Date.now() + (req.timeout_ms || 10000);
  const remaining = () => Math.max(1, deadline - Date.now());
  let script;
  try {
    script = new vm.Script(req.code, { filename: 'code.js' });
  } catch (e) {
    return { ok: false, kind: 'user', error: (e.name || 'SyntaxError') + ': ' + e.message + syntaxLine(e) };
  }
  const ctx = vm.createContext(Object.create(null), {
    codeGeneration: { strings: true, wasm: false },
    microtaskMode: 'afterEvaluate',
  });
  vm.runInContext(BOOTSTRAP, ctx);
  ctx.__sandboxInputs = req.inputs_json; // a primitive string: carries no host prototype
  try {
    script.runInContext(ctx, { timeout: remaining() });
    vm.runInContext(RUNNER, ctx, { timeout: remaining() });
  } catch (e) {
    if (isTimeout(e)) return { ok: false, kind: 'timeout', error: 'timed out' };
    // Thrown by top-level user code; it may be any value from the context.
    let message;
    try { message = (e && e.name ? e.name + ': ' + e.message : 'Uncaught ' + String(e)) + syntaxLine(e); }
    catch (_) { message = 'Uncaught exception'; }
    return { ok: false, kind: 'user', error: message };
  }
  let done, stdout;
  try {
    done = ctx.__sandboxDone;
    stdout = String(ctx.__sandboxLogs());
  } catch (e) {
    return { ok: false, kind: 'user', error: 'the code tampered with the sandbox runner' };
  }
  if (!done) return { ok: false, kind: 'user', error: 'main returned a promise that never settled' };
  if (!done.ok) return { ok: false, kind: 'user', error: String(done.error), stdout };
  const json = String(done.json);
  const size = Buffer.byteLength(json, 'utf8');
  const limit = req.max_output || 1048576;
  if (size > limit) return { ok: false, kind: 'output', error: `Output is too large: ${size} bytes exceeds the limit of ${limit} bytes` };
  return { ok: true, json, stdout };
}

function onLine(line) {
  let id = null;
  let res;
  try {
    const req = JSON.parse(line);
    id = req.id;
    res = handle(req);
  } catch (e) {
    res = { ok: false, kind: isTimeout(e) ? 'timeout' : 'internal', error: String(e && e.message || e) };
  }
  if (res.ok) {
    // The result is already JSON text; splice it in instead of parsing it again.
    const head = JSON.stringify({ id, ok: true, stdout: res.stdout });
    process.stdout.write(head.slice(0, -1) + ',"result":' + res.json + '}\n');
  } else {
    send({ id, ok: false, kind: res.kind, error: res.error });
  }
}

let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  pending += chunk;
  let i;
  while ((i = pending.indexOf('\n')) >= 0) {
    const line = pending.slice(0, i);
    pending = pending.slice(i + 1);
    if (line.trim()) onLine(line);
  }
});
process.stdin.on('end', () => process.exit(0));
send({ ready: true, pid: process.pid });
