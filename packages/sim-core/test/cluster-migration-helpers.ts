import { clusterAdminModel, clusterNodeModel, formatReply, redisCliModel, redisConfig, us, ms, type RedisCliState, type Simulation } from "../src/index";
import type { Reply } from "../src/client/protocol";

/** Starts a cluster-enabled server alone (not part of the created cluster), as add-node needs. */
export function addLoneNode(sim: Simulation, port: number, config: Partial<Record<string, unknown>> = {}): void {
  sim.addProcess(String(port), clusterNodeModel({ port, config: redisConfig({ "cluster-node-timeout": 2000, ...config }) }));
}

let admins = 0;
/** Runs `redis-cli --cluster ARGV…` to its end; returns its output lines and exit status. */
export function runAdmin(sim: Simulation, argv: readonly string[], limitMs = 600_000): { lines: string[]; status: number | null } {
  const id = `admin-${++admins}`;
  const before = sim.trace.length;
  sim.addProcess(id, clusterAdminModel(argv));
  sim.runUntil(() => sim.trace.slice(before).some((r) => r.node === id && r.type === "clusterAdminExited"), us(sim.nowUs + ms(limitMs)));
  const lines: string[] = [];
  let status: number | null = null;
  for (const r of sim.trace.slice(before)) {
    if (r.node !== id) continue;
    if (r.type === "clusterAdminOutput") lines.push(...r.lines);
    if (r.type === "clusterAdminExited") status = r.status;
  }
  return { lines, status };
}

let clis = 0;
/** One redis-cli command (no -c), its reply. */
export function cli(sim: Simulation, port: number, ...argv: string[]): Reply {
  const id = `cli-${++clis}`;
  sim.addProcess(id, redisCliModel([{ atUs: sim.nowUs, port, argv }]));
  sim.runUntil(() => (sim.state<RedisCliState>(id).replies?.length ?? 0) > 0, us(sim.nowUs + ms(10_000)));
  return sim.state<RedisCliState>(id).replies[0]!.reply;
}

/** redis-cli -c ARGV…: its printed lines (redirections, then the reply as redis-cli prints it). */
export function cliOutputOf(sim: Simulation, port: number, ...argv: string[]): string[] {
  const id = `cli-${++clis}`;
  sim.addProcess(id, redisCliModel([{ atUs: sim.nowUs, port, argv }]));
  sim.runUntil(() => (sim.state<RedisCliState>(id).replies?.length ?? 0) > 0, us(sim.nowUs + ms(10_000)));
  const lines: string[] = [];
  for (const r of sim.trace) {
    if (r.node !== id) continue;
    if (r.type === "clientRedirected") lines.push(`-> Redirected to slot [${r.slot}] located at 127.0.0.1:${r.to}`);
    if (r.type === "clientReply") lines.push(formatReply(r.reply));
  }
  return lines;
}
