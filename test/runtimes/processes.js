// Child processes for the smoke tests. Each runs in its own process group, because `node_modules/.bin/deno`
// and `workerd` are Node wrappers that start the real binary as a grandchild: ending the group ends both.
import { spawn } from "node:child_process";

/** Starts `cmd args` in a new process group; `stop()` ends the whole group and resolves when it has exited. */
export function startProcess(cmd, args, { cwd, env } = {}) {
  const child = spawn(cmd, args, { cwd, env: env ?? process.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise((resolve) => {
    child.once("error", (e) => {
      stderr += String(e);
      resolve(-1);
    });
    child.once("close", (code, signal) => resolve(code ?? signal));
  });
  const signalGroup = (sig) => {
    try {
      process.kill(-child.pid, sig);
    } catch {
      // already gone
    }
  };
  let stopping;
  const stop = () => {
    stopping ??= (async () => {
      signalGroup("SIGTERM");
      const timer = setTimeout(() => signalGroup("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
      signalGroup("SIGKILL"); // a grandchild that outlived its wrapper
    })();
    return stopping;
  };
  return {
    child,
    exited,
    stop,
    output: () => ({ stdout, stderr }),
  };
}

/** Runs a command to its end; rejects (after ending the group) if it takes longer than `timeoutMs`. */
export async function runProcess(cmd, args, { cwd, env, timeoutMs = 60000 } = {}) {
  const p = startProcess(cmd, args, { cwd, env });
  let timer;
  const timedOut = new Promise((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
  const code = await Promise.race([p.exited, timedOut]);
  clearTimeout(timer);
  if (code === "timeout") {
    await p.stop();
    const { stdout, stderr } = p.output();
    throw new Error(`${cmd} ${args.join(" ")} timed out after ${timeoutMs} ms\n${stderr}\n${stdout.slice(0, 2000)}`);
  }
  await p.stop(); // workers or grandchildren left behind
  return { code, ...p.output() };
}
