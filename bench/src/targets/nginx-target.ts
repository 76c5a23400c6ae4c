import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "../lib/free-port.js";

export interface NginxTarget {
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

export interface StartNginxOptions {
  executable: string;
  upstreamPort: number;
}

/** The configuration issue 9 names: one worker, keepalive upstream, no proxy buffering. */
function nginxConfig(dir: string, port: number, upstreamPort: number): string {
  // Running as root, nginx would switch its worker to `nobody`, which cannot read the temp dir.
  const user = process.getuid?.() === 0 ? "user root;\n" : "";
  return `${user}worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  keepalive_requests 1000000;
  upstream direct {
    server 127.0.0.1:${upstreamPort};
    keepalive 128;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://direct;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
`;
}

/** Starts nginx (master + one worker) from a generated config in a temp dir, on 127.0.0.1. */
export async function startNginx({ executable, upstreamPort }: StartNginxOptions): Promise<NginxTarget> {
  const dir = await mkdtemp(join(tmpdir(), "paddler-bench-nginx-"));
  await mkdir(join(dir, "logs"));
  const port = await freePort();
  const configPath = join(dir, "nginx.conf");
  await writeFile(configPath, nginxConfig(dir, port, upstreamPort));
  const child: ChildProcess = spawn(executable, ["-p", dir, "-c", configPath], { stdio: "ignore" });
  // nginx has no readiness signal: poll its port.
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}; see ${dir}/error.log`);
    try {
      await fetch(`http://127.0.0.1:${port}/health`);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error("nginx did not start in 10 s");
      await sleep(50);
    }
  }
  return {
    port,
    pid: child.pid ?? -1,
    async stop() {
      if (child.exitCode === null) {
        const exited = once(child, "exit");
        child.kill("SIGQUIT");
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
