import { InvariantError, assert } from "../kernel/assert";
import type { Micros } from "../kernel/time";
import type { ConnId, Message, ProcessEvent, ProcessId } from "../process/model";
import type { RandomStream } from "../rng/streams";
import type { PartitionGroup } from "../kernel/faults";
import { ConnectionTable } from "./connection-table";

/**
 * The network between processes: TCP-like connections over links that faults can cut, clog,
 * slow down, make lossy or hold.
 *
 * What is TCP-like here, and why it matters to Redis:
 * - Each direction of a connection is FIFO. A packet never overtakes one sent before it on the
 *   same connection, whatever the latency draws (a later packet arrives no earlier than the one
 *   ahead of it).
 * - Connecting to a host where nothing listens (a dead process) is refused at once; a paused
 *   process's kernel still accepts, so the connect succeeds and then nothing answers.
 * - A process that dies closes its sockets: peers read EOF after the bytes already in flight.
 *   Bytes that reach a closed socket are answered with a reset.
 * - A lost packet is retransmitted (RTO 200 ms, doubling) and holds back the packets behind it:
 *   loss on TCP shows up as delay, not as missing messages.
 * - A cut link (partition) or a clogged one keeps packets waiting in the socket; when it is
 *   healed they are sent again and arrive in order. A connect across a cut stays pending.
 *
 * Not modelled: bandwidth, socket buffer limits, TCP keepalive and the kernel's own
 * give-up timers (minutes long; Redis's timeouts act long before them).
 */

export interface NetworkOptions {
  /** Smallest one-way latency of a packet. */
  readonly baseLatencyUs: number;
  /** A uniform draw in [0, jitterUs) is added to the base, per packet. */
  readonly jitterUs: number;
}

/** Sub-millisecond, like two hosts on a LAN (loopback is faster still). */
export const DEFAULT_NETWORK_OPTIONS: NetworkOptions = { baseLatencyUs: 80, jitterUs: 120 };

/** Linux's TCP_RTO_MIN: the first retransmission of a lost data packet. */
export const TCP_RTO_MIN_US = 200_000;
/** Linux's TCP_TIMEOUT_INIT: the first retransmission of a lost SYN or SYN-ACK. */
export const TCP_SYN_RTO_US = 1_000_000;
/** Linux's TCP_RTO_MAX: backoff stops doubling here. */
export const TCP_RTO_MAX_US = 120_000_000;

export type PacketKind = "syn" | "synAck" | "rst" | "fin" | "data";

/** A process as the network sees it: the kernel hands its own record in, and gets it back on delivery. */
export interface NetEndpoint {
  readonly id: ProcessId;
}

/** What became of a message, as messages.jsonl records it (CONTRACTS §8). */
export type MessageFate = "delivered" | "dropped" | "held" | "refused";

export class Packet {
  arrivalUs = 0;
  retransmits = 0;
  heldRecorded = false;
  constructor(
    readonly kind: PacketKind,
    readonly message: Message | null,
    /** Data packets are numbered in send order; control packets are -1. */
    readonly id: number,
    readonly sentUs: number,
  ) {}
}

/** One host-to-host path. Every connection between the same two processes shares it. */
export class Link {
  cut = false;
  clogged = false;
  extraDelayUs = 0;
  lossRate = 0;
  lossStream: RandomStream | null = null;
  constructor(
    readonly from: ProcessId,
    readonly to: ProcessId,
    /** The sending process's latency stream: its draws depend only on its own sends. */
    readonly latencyStream: RandomStream,
  ) {}
}

/**
 * One direction of one connection: a FIFO of packets in flight. Nearly always one packet or none
 * is in flight, so the head sits in a field of its own and an array is made only for a direction
 * that has had two or more at once: a 1000-node cluster holds two million directions.
 */
export class Direction {
  /** The oldest packet in flight; undefined when none is. */
  private first: Packet | undefined = undefined;
  /** The packets behind `first`, in [behindHead, behindTail); its slots are reused once it drains. */
  private behind: (Packet | undefined)[] | null = null;
  private behindHead = 0;
  private behindTail = 0;
  /** Its head has an arrival event in the kernel's queue. */
  scheduled = false;
  /** Its head is blocked by a cut, a clog or a hold, and waits for the fault to lift. */
  stuck = false;
  /** The kernel's agenda entry for this direction's next arrival, reused (one is pending at most). */
  agendaEntry: unknown = null;
  readonly from: ProcessId;
  readonly to: ProcessId;
  constructor(
    readonly conn: Connection,
    readonly fromEnd: NetEndpoint,
    readonly toEnd: NetEndpoint,
    readonly link: Link,
  ) {
    this.from = fromEnd.id;
    this.to = toEnd.id;
  }

  get length(): number {
    return (this.first === undefined ? 0 : 1) + this.behindTail - this.behindHead;
  }

  peek(): Packet | undefined {
    return this.first;
  }

  last(): Packet | undefined {
    return this.behindHead < this.behindTail ? this.behind![this.behindTail - 1] : this.first;
  }

  push(packet: Packet): void {
    if (this.first === undefined) this.first = packet;
    else (this.behind ??= [])[this.behindTail++] = packet;
  }

  shift(): Packet {
    const packet = this.first!;
    if (this.behindHead < this.behindTail) {
      const behind = this.behind!;
      this.first = behind[this.behindHead];
      behind[this.behindHead++] = undefined;
      if (this.behindHead === this.behindTail) this.behindHead = this.behindTail = 0;
    } else {
      this.first = undefined;
    }
    return packet;
  }

  /** Every packet in flight, oldest first. */
  forEachInFlight(visit: (packet: Packet) => void): void {
    if (this.first === undefined) return;
    visit(this.first);
    for (let i = this.behindHead; i < this.behindTail; i++) visit(this.behind![i]!);
  }
}

export class Connection {
  initiatorOpen = true;
  acceptorOpen = false;
  /** The initiator has seen the SYN-ACK. */
  established = false;
  readonly forward: Direction;
  readonly backward: Direction;
  readonly initiator: ProcessId;
  readonly acceptor: ProcessId;
  constructor(
    readonly id: ConnId,
    readonly channel: string,
    readonly initiatorEnd: NetEndpoint,
    readonly acceptorEnd: NetEndpoint,
    forwardLink: Link,
    backwardLink: Link,
  ) {
    this.initiator = initiatorEnd.id;
    this.acceptor = acceptorEnd.id;
    this.forward = new Direction(this, initiatorEnd, acceptorEnd, forwardLink);
    this.backward = new Direction(this, acceptorEnd, initiatorEnd, backwardLink);
  }

  isOpenAt(end: NetEndpoint): boolean {
    return end === this.initiatorEnd ? this.initiatorOpen : this.acceptorOpen;
  }

  /** The direction that carries what `end` sends. */
  outOf(end: NetEndpoint): Direction {
    return end === this.initiatorEnd ? this.forward : this.backward;
  }
}

/** What the network needs from the kernel around it. */
export interface NetworkHost {
  now(): Micros;
  /** Puts the arrival of `dir`'s head packet on the agenda. */
  scheduleArrival(dir: Direction, atUs: number): void;
  /** The process is alive (running or paused): its kernel accepts connections. */
  isListening(end: NetEndpoint): boolean;
  /** Hands an event to the process (queued if it is paused). */
  deliver(end: NetEndpoint, event: ProcessEvent): void;
  /** The end of `conn` at `end` is open or closed now. */
  trackConnection(end: NetEndpoint, conn: Connection, open: boolean): void;
  stream(path: string): RandomStream;
  /** Called only when messages are recorded (trace mode). */
  recordMessage: ((dir: Direction, packet: Packet, fate: MessageFate) => void) | null;
}

interface CompiledPartition {
  readonly name: string;
  readonly groupOf: ReadonlyMap<ProcessId, number>;
  /** Index of the "rest" group, or -1 when every affected process is named. */
  readonly restIndex: number;
  readonly oneWay: boolean;
}

interface Hold {
  readonly name: string;
  readonly from: ProcessId | undefined;
  readonly to: ProcessId | undefined;
  readonly kinds: ReadonlySet<string> | undefined;
}

export class Network {
  /** Links by sender, then by receiver (no key string to build and hash per connect). */
  private readonly links = new Map<ProcessId, Map<ProcessId, Link>>();
  private readonly connections = new ConnectionTable<Connection>();
  private readonly latencyStreams = new Map<ProcessId, RandomStream>();
  private readonly partitions: CompiledPartition[] = [];
  private readonly holds: Hold[] = [];
  /** Directions waiting for a fault to lift, in the order they got stuck. */
  private readonly stuck = new Set<Direction>();
  private nextMessageId = 1;
  private unnamedPartitions = 0;

  constructor(
    private readonly host: NetworkHost,
    readonly options: NetworkOptions = DEFAULT_NETWORK_OPTIONS,
  ) {}

  // ---- connections -------------------------------------------------------------------------

  connect(from: NetEndpoint, to: NetEndpoint, channel: string): ConnId {
    const conn = new Connection(this.connections.nextId(), channel, from, to, this.link(from.id, to.id), this.link(to.id, from.id));
    this.connections.add(conn);
    this.host.trackConnection(from, conn, true);
    this.enqueue(conn.forward, new Packet("syn", null, -1, this.host.now()));
    return conn.id;
  }

  /**
   * A connection that was already open when the run began: both ends open and established, with
   * no SYN, no SYN-ACK and no events (a formed cluster's bus links; see Simulation.preconnect).
   */
  connectEstablished(from: NetEndpoint, to: NetEndpoint, channel: string): ConnId {
    const conn = new Connection(this.connections.nextId(), channel, from, to, this.link(from.id, to.id), this.link(to.id, from.id));
    conn.acceptorOpen = true;
    conn.established = true;
    this.connections.add(conn);
    this.host.trackConnection(from, conn, true);
    this.host.trackConnection(to, conn, true);
    return conn.id;
  }

  send(from: NetEndpoint, connId: ConnId, message: Message): void {
    const conn = this.connections.get(connId);
    // Writing to a socket that is already closed or reset (EPIPE): the bytes never leave the
    // host, so they are not a message in flight and messages.jsonl does not list them.
    if (conn === undefined || !conn.isOpenAt(from)) return;
    if (from !== conn.initiatorEnd && from !== conn.acceptorEnd) throw new InvariantError(`${from.id} sent on connection ${connId}, which is not its own`);
    this.enqueue(conn.outOf(from), new Packet("data", message, this.nextMessageId++, this.host.now()));
  }

  close(from: NetEndpoint, connId: ConnId): void {
    const conn = this.connections.get(connId);
    if (conn === undefined || !conn.isOpenAt(from)) return;
    this.closeEnd(conn, from);
    this.enqueue(conn.outOf(from), new Packet("fin", null, -1, this.host.now()));
  }

  /** Every open end of a dying process is closed; peers read EOF after the bytes in flight. */
  closeAll(end: NetEndpoint, conns: Iterable<Connection>): void {
    for (const conn of [...conns]) this.close(end, conn.id);
  }

  openConnections(): number {
    return this.connections.size;
  }

  // ---- packets in flight ------------------------------------------------------------------

  private enqueue(dir: Direction, packet: Packet): void {
    const last = dir.last();
    let arrival = packet.sentUs + this.latency(dir.link);
    if (last !== undefined && last.arrivalUs > arrival) arrival = last.arrivalUs;
    packet.arrivalUs = arrival;
    dir.push(packet);
    if (!dir.scheduled && !dir.stuck) {
      dir.scheduled = true;
      this.host.scheduleArrival(dir, arrival);
    }
  }

  private latency(link: Link): number {
    return this.options.baseLatencyUs + Math.floor(link.latencyStream.next() * this.options.jitterUs) + link.extraDelayUs;
  }

  /** The kernel calls this when the head of `dir` is due. */
  onArrival(dir: Direction): void {
    dir.scheduled = false;
    const packet = dir.peek();
    assert(packet !== undefined, "an arrival was scheduled for an empty direction");
    const now = this.host.now();

    if (this.isBlocked(dir, packet)) {
      dir.stuck = true;
      this.stuck.add(dir);
      if (packet.kind === "data" && !packet.heldRecorded) {
        packet.heldRecorded = true;
        this.host.recordMessage?.(dir, packet, "held");
      }
      return;
    }

    const link = dir.link;
    if (link.lossRate > 0 && link.lossStream!.next() < link.lossRate) {
      // tcp_retransmit_timer: the lost packet is sent again after the RTO, which doubles.
      packet.retransmits++;
      const firstRto = packet.kind === "syn" || packet.kind === "synAck" ? TCP_SYN_RTO_US : TCP_RTO_MIN_US;
      const rto = Math.min(firstRto * 2 ** (packet.retransmits - 1), TCP_RTO_MAX_US);
      packet.arrivalUs = now + rto + this.latency(link);
      dir.scheduled = true;
      this.host.scheduleArrival(dir, packet.arrivalUs);
      return;
    }

    dir.shift();
    const next = dir.peek();
    if (next !== undefined) {
      dir.scheduled = true;
      this.host.scheduleArrival(dir, next.arrivalUs > now ? next.arrivalUs : now);
    }
    this.arrive(dir, packet);
  }

  private arrive(dir: Direction, packet: Packet): void {
    const conn = dir.conn;
    const receiver = dir.toEnd;
    const reverse = dir === conn.forward ? conn.backward : conn.forward;
    const now = this.host.now();
    // Data first: it is nearly every packet.
    switch (packet.kind) {
      case "data":
        if (!conn.isOpenAt(receiver)) {
          this.host.recordMessage?.(dir, packet, "refused");
          if (conn.isOpenAt(dir.fromEnd)) this.enqueue(reverse, new Packet("rst", null, -1, now));
          return;
        }
        this.host.recordMessage?.(dir, packet, "delivered");
        this.host.deliver(receiver, { type: "message", conn: conn.id, from: dir.from, message: packet.message! });
        return;
      case "syn":
        if (!this.host.isListening(receiver)) {
          this.enqueue(reverse, new Packet("rst", null, -1, now));
          return;
        }
        conn.acceptorOpen = true;
        this.host.trackConnection(receiver, conn, true);
        this.enqueue(reverse, new Packet("synAck", null, -1, now));
        this.host.deliver(receiver, { type: "accepted", conn: conn.id, peer: dir.from, channel: conn.channel });
        return;
      case "synAck":
        if (!conn.initiatorOpen) {
          this.enqueue(reverse, new Packet("rst", null, -1, now));
          return;
        }
        conn.established = true;
        this.host.deliver(receiver, { type: "connected", conn: conn.id, peer: dir.from, channel: conn.channel });
        return;
      case "rst": {
        if (!conn.isOpenAt(receiver)) return;
        const refused = receiver === conn.initiatorEnd && !conn.established;
        this.closeEnd(conn, receiver);
        this.host.deliver(
          receiver,
          refused
            ? { type: "connectFailed", conn: conn.id, peer: dir.from, channel: conn.channel, reason: "refused" }
            : { type: "closed", conn: conn.id, peer: dir.from, reason: "reset" },
        );
        return;
      }
      case "fin":
        if (!conn.isOpenAt(receiver)) return;
        this.closeEnd(conn, receiver);
        this.host.deliver(receiver, { type: "closed", conn: conn.id, peer: dir.from, reason: "eof" });
        return;
    }
  }

  private closeEnd(conn: Connection, end: NetEndpoint): void {
    if (end === conn.initiatorEnd) conn.initiatorOpen = false;
    else conn.acceptorOpen = false;
    this.host.trackConnection(end, conn, false);
    if (!conn.initiatorOpen && !conn.acceptorOpen) this.connections.delete(conn.id);
  }

  // ---- links and faults -------------------------------------------------------------------

  private link(from: ProcessId, to: ProcessId): Link {
    let linksFrom = this.links.get(from);
    if (linksFrom === undefined) this.links.set(from, (linksFrom = new Map()));
    let link = linksFrom.get(to);
    if (link === undefined) {
      let stream = this.latencyStreams.get(from);
      if (stream === undefined) {
        stream = this.host.stream(`net/${from}/latency`);
        this.latencyStreams.set(from, stream);
      }
      link = new Link(from, to, stream);
      link.cut = this.isCut(from, to);
      linksFrom.set(to, link);
    }
    return link;
  }

  private isBlocked(dir: Direction, packet: Packet): boolean {
    const link = dir.link;
    if (link.cut || link.clogged) return true;
    if (this.holds.length === 0 || packet.kind !== "data") return false;
    for (const hold of this.holds) {
      if (hold.from !== undefined && hold.from !== dir.from) continue;
      if (hold.to !== undefined && hold.to !== dir.to) continue;
      if (hold.kinds !== undefined && !hold.kinds.has(packet.message!.type)) continue;
      return true;
    }
    return false;
  }

  private isCut(from: ProcessId, to: ProcessId): boolean {
    for (const p of this.partitions) {
      const gFrom = p.groupOf.get(from) ?? p.restIndex;
      const gTo = p.groupOf.get(to) ?? p.restIndex;
      if (gFrom < 0 || gTo < 0 || gFrom === gTo) continue;
      if (!p.oneWay || (gFrom === 0 && gTo === 1)) return true;
    }
    return false;
  }

  /** Adds a partition and returns its name (generated when the fault names none). */
  partition(groups: readonly PartitionGroup[], oneWay: boolean, name: string | undefined): string {
    const groupOf = new Map<ProcessId, number>();
    let restIndex = -1;
    groups.forEach((group, index) => {
      if (group === "rest") restIndex = index;
      else for (const pid of group) groupOf.set(pid, index);
    });
    const partitionName = name ?? `partition-${++this.unnamedPartitions}`;
    this.heal(partitionName);
    this.partitions.push({ name: partitionName, groupOf, restIndex, oneWay });
    this.recomputeCuts();
    return partitionName;
  }

  /** Removes the named partition, or every partition; returns how many were removed. */
  heal(name: string | undefined): number {
    let removed = 0;
    for (let i = this.partitions.length - 1; i >= 0; i--) {
      if (name === undefined || this.partitions[i]!.name === name) {
        this.partitions.splice(i, 1);
        removed++;
      }
    }
    if (removed > 0) {
      this.recomputeCuts();
      this.unstick();
    }
    return removed;
  }

  partitionNames(): string[] {
    return this.partitions.map((p) => p.name);
  }

  setDelay(from: ProcessId, to: ProcessId, extraUs: number): void {
    this.link(from, to).extraDelayUs = extraUs;
  }

  setLoss(from: ProcessId, to: ProcessId, rate: number): void {
    const link = this.link(from, to);
    link.lossRate = rate;
    link.lossStream ??= this.host.stream(`net/${from}/${to}/loss`);
  }

  setClogged(from: ProcessId, to: ProcessId, clogged: boolean): void {
    this.link(from, to).clogged = clogged;
    if (!clogged) this.unstick();
  }

  hold(name: string, from: ProcessId | undefined, to: ProcessId | undefined, kinds: readonly string[] | undefined): void {
    this.release(name);
    this.holds.push({ name, from, to, kinds: kinds === undefined ? undefined : new Set(kinds) });
  }

  /** Returns whether a hold of that name existed. */
  release(name: string): boolean {
    const index = this.holds.findIndex((h) => h.name === name);
    if (index < 0) return false;
    this.holds.splice(index, 1);
    this.unstick();
    return true;
  }

  private recomputeCuts(): void {
    for (const linksFrom of this.links.values()) for (const link of linksFrom.values()) link.cut = this.isCut(link.from, link.to);
  }

  /** Sends again, in order, what waited behind faults that have lifted. */
  private unstick(): void {
    const now = this.host.now();
    for (const dir of [...this.stuck]) {
      const head = dir.peek();
      if (head !== undefined && this.isBlocked(dir, head)) continue;
      this.stuck.delete(dir);
      dir.stuck = false;
      if (head === undefined) continue;
      let previous = 0;
      dir.forEachInFlight((packet) => {
        const arrival = now + this.latency(dir.link);
        packet.arrivalUs = arrival > previous ? arrival : previous;
        previous = packet.arrivalUs;
      });
      dir.scheduled = true;
      this.host.scheduleArrival(dir, head.arrivalUs);
    }
  }
}
