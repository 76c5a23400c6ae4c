// Entry: the load generator, in its own process so its CPU is never counted against a target.
// Open loop: requests leave at fixed times and latency counts from the *scheduled* time, so a
// target that stalls is charged for the queue it causes (no coordinated omission).
// Closed loop: N connections each send the next request when the last one ends (wrk's model).
import { Agent, request } from "node:http";
import WebSocket from "ws";

interface Job {
  url: string;
  body: string;
  durationMs: number;
}
interface OpenJob extends Job {
  type: "open";
  rate: number;
}
interface ClosedJob extends Job {
  type: "closed";
  concurrency: number;
}

/** Closed loop over Paddler's inference socket: `concurrency` requests in flight on one WebSocket. */
interface SocketJob {
  type: "socket";
  url: string;
  /** The `request` of each `{ Request: { id, request } }` frame. */
  request: unknown;
  concurrency: number;
  durationMs: number;
}

interface Outcome {
  ok: boolean;
  ttfbMs: number;
  totalMs: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY, maxFreeSockets: 1024 });

function send(url: URL, body: string, startedAt: number): Promise<Outcome> {
  return new Promise((resolve) => {
    let ttfb = Number.NaN;
    const req = request(
      url,
      {
        method: "POST",
        agent,
        headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) },
      },
      (res) => {
        res.on("data", () => {
          if (Number.isNaN(ttfb)) ttfb = performance.now() - startedAt;
        });
        res.on("end", () =>
          resolve({ ok: res.statusCode === 200, ttfbMs: ttfb, totalMs: performance.now() - startedAt }),
        );
        res.on("error", () => resolve({ ok: false, ttfbMs: ttfb, totalMs: Number.NaN }));
      },
    );
    req.setTimeout(15_000, () => req.destroy());
    req.on("error", () => resolve({ ok: false, ttfbMs: ttfb, totalMs: Number.NaN }));
    req.end(body);
  });
}

async function openLoop({ url, body, rate, durationMs }: OpenJob) {
  const target = new URL(url);
  const total = Math.round((rate * durationMs) / 1000);
  const interval = 1000 / rate;
  const start = performance.now() + 5;
  const pending: Promise<Outcome>[] = [];
  let next = 0;
  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      while (next < total && start + next * interval <= now) {
        pending.push(send(target, body, start + next * interval));
        next++;
      }
      if (next >= total) done();
      else setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
    };
    setTimeout(tick, 5);
  });
  return Promise.all(pending);
}

async function closedLoop({ url, body, concurrency, durationMs }: ClosedJob) {
  const target = new URL(url);
  const deadline = performance.now() + durationMs;
  const outcomes: Outcome[] = [];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) outcomes.push(await send(target, body, performance.now()));
    }),
  );
  return outcomes;
}

async function socketLoop({ url, request: agentRequest, concurrency, durationMs }: SocketJob) {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  const deadline = performance.now() + durationMs;
  const outcomes: Outcome[] = [];
  const pending = new Map<string, { startedAt: number; ttfb: number; done: () => void }>();
  let nextId = 0;
  socket.on("message", (data) => {
    const message = JSON.parse(String(data)) as {
      Response?: { request_id: string; response: { GeneratedToken?: unknown } };
      Error?: { request_id: string };
    };
    const id = message.Response?.request_id ?? message.Error?.request_id;
    const entry = id === undefined ? undefined : pending.get(id);
    if (!entry || id === undefined) return;
    const now = performance.now();
    if (Number.isNaN(entry.ttfb)) entry.ttfb = now - entry.startedAt;
    const token = message.Response?.response.GeneratedToken;
    const done = typeof token === "object" && token !== null && "Done" in token;
    if (!done && !message.Error) return;
    pending.delete(id);
    outcomes.push({ ok: done, ttfbMs: entry.ttfb, totalMs: now - entry.startedAt });
    entry.done();
  });
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline && socket.readyState === WebSocket.OPEN) {
        const id = `load-${++nextId}`;
        await new Promise<void>((done) => {
          pending.set(id, { startedAt: performance.now(), ttfb: Number.NaN, done });
          socket.send(JSON.stringify({ Request: { id, request: agentRequest } }));
        });
      }
    }),
  );
  socket.close();
  return outcomes;
}

process.on("message", (job: OpenJob | ClosedJob | SocketJob) => {
  const started = performance.now();
  const run = job.type === "open" ? openLoop(job) : job.type === "closed" ? closedLoop(job) : socketLoop(job);
  run.then((outcomes) => {
    const ok = outcomes.filter((outcome) => outcome.ok);
    process.send?.({
      type: job.type,
      sent: outcomes.length,
      errors: outcomes.length - ok.length,
      elapsedMs: performance.now() - started,
      ttfbMs: ok.map((outcome) => outcome.ttfbMs),
      totalMs: ok.map((outcome) => outcome.totalMs),
    });
  });
});
process.on("disconnect", () => process.exit(0));
process.send?.({ type: "ready" });
