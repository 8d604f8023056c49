import { emitOn, type SentinelCtx } from "./links";
import { addSentinel, resetMasterAndChangeAddress } from "./instances";
import { type SentinelState } from "./state";

/**
 * sentinelProcessHelloMessage (7.0.15), §11: discover Sentinels, adopt a higher current epoch,
 * and take a newer master configuration (`+config-update-from`, `+switch-master`).
 * Hellos arrive on the pub/sub link of masters and replicas, or as a PUBLISH to us.
 */
export function processHelloMessage(s: SentinelState, hello: string, now: number, ctx: SentinelCtx): void {
  const token = hello.split(",");
  if (token.length !== 8) return;
  const m = s.master;
  if (token[4] !== m.name) return;
  const ip = token[0]!;
  const port = Number(token[1]);
  const runId = token[2]!;
  const currentEpoch = Number(token[3]);
  const masterIp = token[5]!;
  const masterPort = Number(token[6]);
  const masterConfigEpoch = Number(token[7]);
  if (runId === s.myId) return;

  let si = m.sentinels.find((x) => x.port === port && x.runId === runId && ip === "127.0.0.1");
  if (si === undefined) {
    // Same run id at a new address: an address switch; same address, other run id: an invalid one.
    const sameId = m.sentinels.findIndex((x) => x.runId === runId);
    const removed = sameId >= 0;
    if (removed) m.sentinels.splice(sameId, 1);
    else {
      const other = m.sentinels.findIndex((x) => x.port === port);
      if (other >= 0) m.sentinels.splice(other, 1);
    }
    si = addSentinel(s, runId, port, now, ctx);
    if (!removed) emitOn(s, ctx, "sentinelAdded", si);
  }

  if (currentEpoch > s.currentEpoch) {
    s.currentEpoch = currentEpoch;
    ctx.emit({ type: "newEpoch", epoch: s.currentEpoch });
  }

  if (m.configEpoch < masterConfigEpoch) {
    m.configEpoch = masterConfigEpoch;
    if (masterPort !== m.port || masterIp !== "127.0.0.1") {
      emitOn(s, ctx, "configUpdateFrom", si);
      ctx.emit({ type: "switchMaster", masterName: m.name, oldIp: "127.0.0.1", oldPort: m.port, newIp: masterIp, newPort: masterPort });
      resetMasterAndChangeAddress(s, masterPort, now, ctx);
    }
  }
  si.lastHelloTime = now;
}
