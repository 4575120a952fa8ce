#!/usr/bin/env node
// A minimal flytelike executor in Node.js, loaded at run time from the same .proto files as the
// Python one (flytelike/proto/executor.proto, which imports the IR and literal schemas).
//
// It runs task actions of kind "shell": the script of a flytelike ShellTask, with `{inputs.x}`
// replaced by the value of input `x` (plain scalars only), run with the task's shell (default
// /bin/bash). What the script prints comes back as the action's log; a non-zero exit code is a
// USER error; a task that runs past `context.timeout` (or whose call is cancelled) is killed.
// Any other task kind is answered UNIMPLEMENTED, map items (RunItems) too. Attempts come one at
// a time (RunAction) or one after another over a RunActions stream (Describe lists the
// capability "stream"). Templates are remembered by digest (see taskOf).
//
//   node executor.js [--host 127.0.0.1] [--port 8815] [--max-message-bytes N]
//
// It prints `listening on HOST:PORT` once it serves. With FLYTELIKE_EXECUTOR_TOKEN set, every
// call needs the metadata `authorization: Bearer <token>` (else UNAUTHENTICATED). It listens on
// loopback only: this is a demonstration of the interface, not a hardened service.
"use strict";

const path = require("node:path");
const { spawn } = require("node:child_process");
const grpc = require("@grpc/grpc-js");
const protoLoader = require("@grpc/proto-loader");

const REPO = path.resolve(__dirname, "..", "..");
const { version } = require("./package.json");

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const HOST = option("--host", "127.0.0.1");
const PORT = Number(option("--port", "8815"));
const MAX_BYTES = Number(option("--max-message-bytes", String(64 * 1024 * 1024)));
const TOKEN = process.env.FLYTELIKE_EXECUTOR_TOKEN || "";
if (!["127.0.0.1", "localhost", "::1"].includes(HOST)) {
  console.error(`refusing to serve on ${HOST}: this executor listens on loopback only`);
  process.exit(1);
}

const definition = protoLoader.loadSync("flytelike/proto/executor.proto", {
  includeDirs: [REPO],
  keepCase: true, // field names as in the .proto (run_name, action_id)
  longs: String, // sint64 integers as decimal strings: no precision is lost
  defaults: true,
  oneofs: true, // which member of a oneof is set, as a virtual field named after the oneof
});
const api = grpc.loadPackageDefinition(definition).flytelike.executor.v1;

class Refused extends Error {
  constructor(code, field, message) {
    super(field ? `${field}: ${message}` : message);
    this.code = code;
  }
}

function checkToken(call) {
  if (!TOKEN) return;
  const sent = call.metadata.get("authorization")[0] || "";
  if (sent !== `Bearer ${TOKEN}`) {
    const why = sent ? "the token is wrong" : "no token was sent";
    throw new Refused(
      grpc.status.UNAUTHENTICATED,
      "",
      `${why}: this executor requires the metadata \`authorization: Bearer <token>\``,
    );
  }
}

// The text a plain scalar literal stands for in a script; anything else is refused.
function scalarText(name, literal) {
  if (!literal || literal.kind !== "scalar") {
    throw new Refused(grpc.status.INVALID_ARGUMENT, `inputs.${name}`, "only scalar inputs are supported");
  }
  const scalar = literal.scalar;
  switch (scalar.value) {
    case "string_value":
    case "int_value":
      return String(scalar[scalar.value]);
    case "float_value":
      return String(scalar.float_value);
    case "bool_value":
      return scalar.bool_value ? "True" : "False"; // (as Python formats them)
    default:
      throw new Refused(
        grpc.status.INVALID_ARGUMENT,
        `inputs.${name}`,
        `a scalar of kind ${scalar.value} cannot be put in a script`,
      );
  }
}

// Task templates by digest: a client sends a template once (with its digest), then only the
// digest. This executor trusts the digest it is given (the Python one checks it). At most
// KNOWN_LIMIT are kept; the oldest are forgotten, and a request naming one of those (or one
// never sent, as after a restart) is answered NOT_FOUND, so that the client sends it again.
const KNOWN_LIMIT = 1024;
const templates = new Map();

function taskOf(request) {
  const digest = request.task_digest || "";
  if (digest.length > 128) {
    throw new Refused(grpc.status.INVALID_ARGUMENT, "task_digest", "longer than 128 characters");
  }
  if (request.task) {
    if (digest) {
      templates.delete(digest);
      templates.set(digest, request.task);
      if (templates.size > KNOWN_LIMIT) templates.delete(templates.keys().next().value);
    }
    return request.task;
  }
  if (!digest) {
    throw new Refused(grpc.status.INVALID_ARGUMENT, "task", "required (or the task_digest of a template sent before)");
  }
  const known = templates.get(digest);
  if (!known) {
    throw new Refused(
      grpc.status.NOT_FOUND,
      "task_digest",
      `unknown task digest '${digest}': this executor does not have that template (send the request again with \`task\` set)`,
    );
  }
  return known;
}

// The shell command of a request: its task's script with the inputs put in.
function shellCommand(request) {
  if (!request.context) throw new Refused(grpc.status.INVALID_ARGUMENT, "context", "required");
  const task = taskOf(request);
  if (task.kind !== "shell") {
    throw new Refused(
      grpc.status.UNIMPLEMENTED,
      "task.kind",
      `this executor does not run tasks of kind '${task.kind}' (it runs: shell)`,
    );
  }
  const custom = {};
  for (const pair of task.custom) {
    try {
      custom[pair.key] = JSON.parse(pair.value);
    } catch {
      throw new Refused(grpc.status.INVALID_ARGUMENT, `task.custom.${pair.key}`, "is not JSON");
    }
  }
  if (typeof custom.script !== "string") {
    throw new Refused(grpc.status.INVALID_ARGUMENT, "task.custom.script", "a shell task needs a script");
  }
  if (custom.output_locs && custom.output_locs.length) {
    throw new Refused(grpc.status.UNIMPLEMENTED, "task.custom.output_locs", "shell task outputs are not supported");
  }
  const values = {};
  for (const input of request.inputs) values[input.name] = scalarText(input.name, input.value);
  const script = custom.script.replace(/\{inputs\.([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name) => {
    if (!(name in values)) {
      throw new Refused(grpc.status.INVALID_ARGUMENT, "inputs", `the script uses {inputs.${name}}, which was not sent`);
    }
    return values[name];
  });
  return { shell: custom.shell || "/bin/bash", script, name: task.id ? task.id.name : "?" };
}

// One attempt: resolves to its ActionOutcome, or rejects with a Refused (a bad request).
// `onStart(kill)` receives what stops the script (when the call is cancelled).
function execute(request, onStart) {
  return new Promise((resolve, reject) => {
    let command;
    try {
      command = shellCommand(request);
    } catch (e) {
      return reject(e);
    }
    const context = request.context;
    const env = { ...process.env };
    for (const pair of context.environment) env[pair.key] = pair.value;
    const chunks = [];
    // (its own process group, so that killing it kills what the script started too)
    const child = spawn(command.shell, ["-c", command.script], { env, detached: true });
    const kill = () => {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // (already gone)
      }
    };
    onStart(kill);
    child.stdout.on("data", (d) => chunks.push({ stream: "stdout", text: d.toString() }));
    child.stderr.on("data", (d) => chunks.push({ stream: "stderr", text: d.toString() }));
    let timedOut = false;
    // (`timeout` is a proto3 optional: set when its synthetic oneof `_timeout` names it)
    const timer =
      context._timeout === "timeout"
        ? setTimeout(() => {
            timedOut = true;
            kill();
          }, context.timeout * 1000)
        : null;
    child.on("error", (e) => {
      if (timer) clearTimeout(timer);
      resolve({
        error: { kind: "SYSTEM", message: `cannot start ${command.shell}: ${e.message}`, error_type: "SpawnError" },
      });
    });
    child.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      const logs = { chunks, dropped: "0" };
      const where = `shell task \`${command.name}\` (${context.action_id}, attempt ${context.attempt + 1})`;
      if (timedOut) {
        return resolve({
          logs,
          error: {
            kind: "USER",
            message: `${where} timed out after ${context.timeout}s on the node executor`,
            error_type: "TimeoutError",
            recoverable: true,
            timed_out: true,
          },
        });
      }
      if (code !== 0) {
        const stderr = chunks.filter((c) => c.stream === "stderr").map((c) => c.text).join("");
        return resolve({
          logs,
          error: {
            kind: "USER",
            message: `${where} failed with exit code ${code ?? signal}: ${stderr.trim().slice(-2000)}`,
            error_type: "ShellTaskError",
          },
        });
      }
      resolve({ outputs: [], logs });
    });
  });
}

// The gRPC status of a failed request.
function status(e) {
  if (e instanceof Refused) return { code: e.code, details: e.message };
  return { code: grpc.status.INTERNAL, details: String(e) };
}

function runAction(call, callback) {
  try {
    checkToken(call);
  } catch (e) {
    return callback(status(e));
  }
  execute(call.request, (kill) => call.on("cancelled", kill)).then(
    (outcome) => callback(null, outcome),
    (e) => callback(status(e)),
  );
}

// RunActions: one request after another over one call, each answered before the next runs; a
// refusal ends the call with its status (the token is checked once the first request is read).
function runActions(call) {
  let chain = Promise.resolve();
  let kill = null;
  let ended = false;
  let first = true;
  call.on("cancelled", () => {
    ended = true;
    if (kill) kill();
  });
  call.on("data", (request) => {
    chain = chain
      .then(async () => {
        if (ended) return;
        if (first) {
          first = false;
          checkToken(call);
        }
        const outcome = await execute(request, (k) => {
          kill = k;
        });
        kill = null;
        if (!ended) call.write(outcome);
      })
      .catch((e) => {
        if (ended) return;
        ended = true;
        call.emit("error", status(e));
      });
  });
  call.on("end", () => {
    chain.then(() => {
      if (!ended) {
        ended = true;
        call.end();
      }
    });
  });
}

function guarded(handler) {
  return (call, callback) => {
    try {
      checkToken(call);
    } catch (e) {
      return callback({ code: e.code, details: e.message });
    }
    handler(call, callback);
  };
}

const server = new grpc.Server({
  "grpc.max_receive_message_length": MAX_BYTES,
  "grpc.max_send_message_length": MAX_BYTES,
});
server.addService(api.Executor.service, {
  Describe: guarded((call, callback) =>
    callback(null, {
      name: "flytelike-node-shell",
      version,
      language: "node",
      task_kinds: ["shell"],
      python_code: false,
      items: false,
      max_message_bytes: String(MAX_BYTES),
      capabilities: ["cancel", "logs", "timeouts", "stream"],
    }),
  ),
  RunAction: runAction,
  RunActions: runActions,
  RunItems: guarded((call, callback) =>
    callback({ code: grpc.status.UNIMPLEMENTED, details: "this executor does not run map items" }),
  ),
  Cancel: guarded((call, callback) => callback(null, { found: false })),
});

const target = HOST.includes(":") ? `[${HOST}]:${PORT}` : `${HOST}:${PORT}`;
server.bindAsync(target, grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) {
    console.error(`cannot listen on ${target}: ${err.message}`);
    process.exit(1);
  }
  const shown = HOST.includes(":") ? `[${HOST}]:${port}` : `${HOST}:${port}`;
  console.log(`listening on ${shown} (plaintext, ${TOKEN ? "token required" : "no token"})`);
});

// Calls still open a second after a signal (idle RunActions streams of clients that live on)
// are cut off.
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    setTimeout(() => {
      server.forceShutdown();
      process.exit(0);
    }, 1000).unref();
    server.tryShutdown(() => process.exit(0));
  });
}
