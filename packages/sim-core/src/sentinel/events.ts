/**
 * Semantic events of a Sentinel (sentinel.c:sentinelEvent and the few plain log lines), one per
 * `+event`/`-event` Redis 7.0.15 logs. Each carries the facts its message needs: the instance
 * (`%@` = `<type> <name> <ip> <port>[ @ <master> <mip> <mport>]`), quorum counts, epochs, run ids.
 * `SENTINEL_EVENT_NAMES` gives the event's Redis name (`+sdown`), and `sentinelEventMessage`
 * the text after it — the payload Sentinel PUBLISHes on the channel of that name, which is wire
 * content and therefore sim-core's (CONTRACTS §3); the log line around it is report's.
 */

/** `%@`: one Sentinel's view of an instance. `master` is set for replicas and sentinels. */
export interface SentinelInstanceRef {
  readonly kind: "master" | "slave" | "sentinel";
  /** The master's name, `ip:port` for a replica, the run id for a sentinel. */
  readonly name: string;
  readonly ip: string;
  readonly port: number;
  readonly master: { readonly name: string; readonly ip: string; readonly port: number } | null;
}

type On<T extends string> = { readonly type: T; readonly instance: SentinelInstanceRef };

export type SentinelEvent =
  /** `# Sentinel ID is %s` (plain line at start). */
  | { readonly type: "sentinelId"; readonly myId: string }
  /** `# +monitor master <n> <ip> <port> quorum <q>` */
  | (On<"monitor"> & { readonly quorum: number })
  | On<"sdown">
  | On<"sdownCleared">
  /** `# +odown %@ #quorum <count>/<quorum>` */
  | (On<"odown"> & { readonly count: number; readonly quorum: number })
  | On<"odownCleared">
  /** `# +new-epoch <epoch>` */
  | { readonly type: "newEpoch"; readonly epoch: number }
  | On<"tryFailover">
  /** `# +vote-for-leader <runid> <epoch>` */
  | { readonly type: "voteForLeader"; readonly leader: string; readonly epoch: number }
  /** `# <peer runid> voted for <leader runid> <epoch>` (plain line). */
  | { readonly type: "peerVoted"; readonly peer: string; readonly leader: string; readonly epoch: number }
  /** `# Next failover delay: I will not start a failover before <ctime>` (plain line). */
  | { readonly type: "nextFailoverDelay"; readonly notBeforeMs: number }
  | On<"electedLeader">
  | On<"failoverAbortNotElected">
  | On<"failoverStateSelectSlave">
  | On<"selectedSlave">
  | On<"failoverAbortNoGoodSlave">
  | On<"failoverStateSendSlaveofNoone">
  | On<"failoverAbortSlaveTimeout">
  | On<"failoverStateWaitPromotion">
  | On<"promotedSlave">
  | On<"failoverStateReconfSlaves">
  | On<"slaveReconfSent">
  | On<"slaveReconfSentTimeout">
  | On<"slaveReconfSentBe">
  | On<"slaveReconfInprog">
  | On<"slaveReconfDone">
  | On<"failoverEndForTimeout">
  | On<"failoverEnd">
  /** `# +switch-master <name> <old ip> <old port> <new ip> <new port>` */
  | { readonly type: "switchMaster"; readonly masterName: string; readonly oldIp: string; readonly oldPort: number; readonly newIp: string; readonly newPort: number }
  /** `# +config-update-from %@` — the sentinel whose hello carried the newer configuration. */
  | On<"configUpdateFrom">
  /** `* +slave %@` */
  | On<"slaveAdded">
  /** `* +sentinel %@` */
  | On<"sentinelAdded">
  | On<"convertToSlave">
  | On<"fixSlaveConfig">
  | On<"reboot">
  /** `- +role-change` (the role matches the instance's kind) / `-role-change`: verbose, published, not logged. */
  | (On<"roleChange"> & { readonly role: "master" | "slave"; readonly matches: boolean })
  | On<"resetMaster">
  /** `# +tilt #tilt mode entered` */
  | { readonly type: "tilt"; readonly deltaMs: number }
  /** `# -tilt #tilt mode exited` */
  | { readonly type: "tiltExited" };

export type SentinelEventType = SentinelEvent["type"];

/** The Redis name of each event (its pub/sub channel). Plain log lines have none. */
export const SENTINEL_EVENT_NAMES: Readonly<Record<SentinelEventType, string | null>> = {
  sentinelId: null,
  monitor: "+monitor",
  sdown: "+sdown",
  sdownCleared: "-sdown",
  odown: "+odown",
  odownCleared: "-odown",
  newEpoch: "+new-epoch",
  tryFailover: "+try-failover",
  voteForLeader: "+vote-for-leader",
  peerVoted: null,
  nextFailoverDelay: null,
  electedLeader: "+elected-leader",
  failoverAbortNotElected: "-failover-abort-not-elected",
  failoverStateSelectSlave: "+failover-state-select-slave",
  selectedSlave: "+selected-slave",
  failoverAbortNoGoodSlave: "-failover-abort-no-good-slave",
  failoverStateSendSlaveofNoone: "+failover-state-send-slaveof-noone",
  failoverAbortSlaveTimeout: "-failover-abort-slave-timeout",
  failoverStateWaitPromotion: "+failover-state-wait-promotion",
  promotedSlave: "+promoted-slave",
  failoverStateReconfSlaves: "+failover-state-reconf-slaves",
  slaveReconfSent: "+slave-reconf-sent",
  slaveReconfSentTimeout: "-slave-reconf-sent-timeout",
  slaveReconfSentBe: "+slave-reconf-sent-be",
  slaveReconfInprog: "+slave-reconf-inprog",
  slaveReconfDone: "+slave-reconf-done",
  failoverEndForTimeout: "+failover-end-for-timeout",
  failoverEnd: "+failover-end",
  switchMaster: "+switch-master",
  configUpdateFrom: "+config-update-from",
  slaveAdded: "+slave",
  sentinelAdded: "+sentinel",
  convertToSlave: "+convert-to-slave",
  fixSlaveConfig: "+fix-slave-config",
  reboot: "+reboot",
  roleChange: "+role-change",
  resetMaster: "+reset-master",
  tilt: "+tilt",
  tiltExited: "-tilt",
};

/** `%@` (sentinel.c:sentinelEvent). */
export function instanceText(ref: SentinelInstanceRef): string {
  const head = `${ref.kind} ${ref.name} ${ref.ip} ${ref.port}`;
  return ref.master === null ? head : `${head} @ ${ref.master.name} ${ref.master.ip} ${ref.master.port}`;
}

/** The event's Redis name as a line shows it (`-role-change` when the role does not match). */
export function sentinelEventName(event: SentinelEvent): string | null {
  if (event.type === "roleChange") return event.matches ? "+role-change" : "-role-change";
  return SENTINEL_EVENT_NAMES[event.type];
}

/** The text after the event name: what Sentinel publishes, and what its log line ends with. */
export function sentinelEventMessage(event: SentinelEvent): string {
  switch (event.type) {
    case "sentinelId":
      return `Sentinel ID is ${event.myId}`;
    case "monitor":
      return `${instanceText(event.instance)} quorum ${event.quorum}`;
    case "odown":
      return `${instanceText(event.instance)} #quorum ${event.count}/${event.quorum}`;
    case "newEpoch":
      return String(event.epoch);
    case "voteForLeader":
      return `${event.leader} ${event.epoch}`;
    case "peerVoted":
      return `${event.peer} voted for ${event.leader} ${event.epoch}`;
    case "nextFailoverDelay":
      return `Next failover delay: I will not start a failover before ${ctime(event.notBeforeMs)}`;
    case "switchMaster":
      return `${event.masterName} ${event.oldIp} ${event.oldPort} ${event.newIp} ${event.newPort}`;
    case "roleChange":
      return `${instanceText(event.instance)} new reported role is ${event.role}`;
    case "tilt":
      return "#tilt mode entered";
    case "tiltExited":
      return "#tilt mode exited";
    default:
      return instanceText(event.instance);
  }
}

/** `<name> <message>` as a Sentinel log line ends (no pid, time or level). */
export function sentinelEventLine(event: SentinelEvent): string {
  const name = sentinelEventName(event);
  return name === null ? sentinelEventMessage(event) : `${name} ${sentinelEventMessage(event)}`;
}

const DAYS = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** ctime(3) without its newline, in UTC (`Wed Dec 30 15:34:12 2026`), from ms since the epoch; no Date. */
export function ctime(ms: number): string {
  const totalS = Math.floor(ms / 1000);
  const days = Math.floor(totalS / 86400);
  const secs = totalS - days * 86400;
  // Howard Hinnant's civil_from_days.
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const pad = (n: number) => String(n).padStart(2, "0");
  const hh = Math.floor(secs / 3600);
  const mm = Math.floor((secs % 3600) / 60);
  const ss = secs % 60;
  return `${DAYS[((days % 7) + 7) % 7]} ${MONTHS[m - 1]} ${String(d).padStart(2, " ")} ${pad(hh)}:${pad(mm)}:${pad(ss)} ${y}`;
}
