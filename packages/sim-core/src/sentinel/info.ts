import { emitOn, type SentinelCtx } from "./links";
import { sendSlaveOf } from "./failover";
import { addSlave, masterLooksSane, noDownFor } from "./instances";
import {
  SENTINEL_IP,
  SENTINEL_PUBLISH_PERIOD_MS,
  SRI_FAILOVER_IN_PROGRESS,
  SRI_MASTER,
  SRI_PROMOTED,
  SRI_RECONF_DONE,
  SRI_RECONF_INPROG,
  SRI_RECONF_SENT,
  SRI_SLAVE,
  instanceRef,
  type SentinelState,
  type Sri,
} from "./state";

/**
 * sentinelRefreshInstanceInfo (7.0.15): parse an INFO reply, then act on it — discover replicas,
 * notice reboots and role changes, detect the promotion the failover waits for, turn a returning
 * old master into a replica, fix replicas that follow the wrong master, and track replica
 * reconfiguration during a failover (§3).
 */
export function refreshInstanceInfo(s: SentinelState, ri: Sri, info: string, now: number, ctx: SentinelCtx): void {
  const master = s.master;
  let role: "master" | "slave" | null = null;
  ri.masterLinkDownTime = 0;
  for (const raw of info.split("\r\n")) {
    const line = raw.trimEnd();
    if (line.startsWith("run_id:") && line.length >= 47) {
      const runId = line.slice(7, 47);
      if (ri.runId === null) ri.runId = runId;
      else if (ri.runId !== runId) {
        emitOn(s, ctx, "reboot", ri);
        ri.runId = runId;
      }
      continue;
    }
    // slave0:ip=127.0.0.1,port=6401,state=online,offset=…,lag=0 (masters only).
    if ((ri.flags & SRI_MASTER) !== 0 && /^slave\d+:/.test(line)) {
      const fields = Object.fromEntries(
        line
          .slice(line.indexOf(":") + 1)
          .split(",")
          .map((kv) => kv.split("=") as [string, string]),
      );
      const port = Number(fields["port"]);
      if (fields["ip"] !== undefined && Number.isInteger(port) && port > 0 && !master.slaves.some((r) => r.port === port)) {
        const slave = addSlave(s, port, now, ctx);
        emitOn(s, ctx, "slaveAdded", slave);
      }
      continue;
    }
    if (line.startsWith("master_link_down_since_seconds:")) {
      ri.masterLinkDownTime = Number(line.slice(31)) * 1000;
      continue;
    }
    if (line === "role:master") role = "master";
    else if (line === "role:slave") role = "slave";
    if (role === "slave") {
      if (line.startsWith("master_host:")) {
        const host = line.slice(12);
        if (ri.slaveMasterHost !== host) {
          ri.slaveMasterHost = host;
          ri.slaveConfChangeTime = now;
        }
      } else if (line.startsWith("master_port:")) {
        const port = Number(line.slice(12));
        if (ri.slaveMasterPort !== port) {
          ri.slaveMasterPort = port;
          ri.slaveConfChangeTime = now;
        }
      } else if (line.startsWith("master_link_status:")) ri.slaveMasterLinkUp = line.slice(19) === "up";
      else if (line.startsWith("slave_priority:")) ri.slavePriority = Number(line.slice(15));
      else if (line.startsWith("slave_repl_offset:")) ri.slaveReplOffset = Number(line.slice(18));
    }
  }
  ri.infoRefresh = now;
  if (role === null) return;

  if (role !== ri.roleReported) {
    ri.roleReportedTime = now;
    ri.roleReported = role;
    if (role === "slave") ri.slaveConfChangeTime = now;
    const matches = ((ri.flags & SRI_MASTER) !== 0 && role === "master") || ((ri.flags & SRI_SLAVE) !== 0 && role === "slave");
    ctx.emit({ type: "roleChange", instance: instanceRef(s, ri), role, matches });
  }

  // Nothing below runs in TILT.
  if (s.tilt) return;

  if ((ri.flags & SRI_SLAVE) !== 0 && role === "master") {
    if ((ri.flags & SRI_PROMOTED) !== 0 && (master.flags & SRI_FAILOVER_IN_PROGRESS) !== 0 && master.failoverState === "wait_promotion") {
      // The promotion happened: the failover's epoch becomes the master's config epoch, which
      // makes the other Sentinels take our configuration.
      master.configEpoch = master.failoverEpoch;
      master.failoverState = "reconf_slaves";
      master.failoverStateChangeTime = now;
      emitOn(s, ctx, "promotedSlave", ri);
      emitOn(s, ctx, "failoverStateReconfSlaves", master);
      forceHelloUpdateForMaster(s);
    } else {
      // A replica turned master (a returning old master): after 4 publish periods, make it follow ours.
      const waitMs = SENTINEL_PUBLISH_PERIOD_MS * 4;
      if ((ri.flags & SRI_PROMOTED) === 0 && masterLooksSane(s, now) && noDownFor(ri, waitMs, now) && now - ri.roleReportedTime > waitMs) {
        if (sendSlaveOf(s, ri, master.port, ctx)) emitOn(s, ctx, "convertToSlave", ri);
      }
    }
  }

  if ((ri.flags & SRI_SLAVE) !== 0 && role === "slave" && (ri.slaveMasterPort !== master.port || ri.slaveMasterHost !== SENTINEL_IP)) {
    const waitMs = master.failoverTimeoutMs;
    if (masterLooksSane(s, now) && noDownFor(ri, waitMs, now) && now - ri.slaveConfChangeTime > waitMs) {
      if (sendSlaveOf(s, ri, master.port, ctx)) emitOn(s, ctx, "fixSlaveConfig", ri);
    }
  }

  if ((ri.flags & SRI_SLAVE) !== 0 && role === "slave" && (ri.flags & (SRI_RECONF_SENT | SRI_RECONF_INPROG)) !== 0) {
    const promoted = master.slaves.find((r) => r.name === master.promotedSlave);
    if ((ri.flags & SRI_RECONF_SENT) !== 0 && promoted !== undefined && ri.slaveMasterHost === SENTINEL_IP && ri.slaveMasterPort === promoted.port) {
      ri.flags = (ri.flags & ~SRI_RECONF_SENT) | SRI_RECONF_INPROG;
      emitOn(s, ctx, "slaveReconfInprog", ri);
    }
    if ((ri.flags & SRI_RECONF_INPROG) !== 0 && ri.slaveMasterLinkUp) {
      ri.flags = (ri.flags & ~SRI_RECONF_INPROG) | SRI_RECONF_DONE;
      emitOn(s, ctx, "slaveReconfDone", ri);
    }
  }
}

/** sentinelForceHelloUpdateForMaster: hellos go out to every replica and Sentinel at the next tick. */
export function forceHelloUpdateForMaster(s: SentinelState): void {
  const m = s.master;
  for (const ri of [m, ...m.slaves, ...m.sentinels]) {
    if (ri.lastPubTime >= SENTINEL_PUBLISH_PERIOD_MS + 1) ri.lastPubTime -= SENTINEL_PUBLISH_PERIOD_MS + 1;
  }
}
