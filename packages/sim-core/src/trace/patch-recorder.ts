/**
 * Trace mode's record of state changes. A handler runs on its process's state itself, as in fast
 * mode, but sees it through proxies that note each write as an immer-style patch (op, path, value)
 * while letting it happen in place: the run is fast mode's run, and the patches, replayed with
 * immer's `applyPatches` on a copy of the initial state, rebuild every state (patches.jsonl, the
 * HTML report's time machine).
 *
 * Why not immer's produceWithPatches: it copies every object a handler so much as reads a child of
 * (a gossip packet read one entry of a 1000-entry `nodes` record, and the record was copied), makes
 * a new proxy for each of them on every event, and deep-freezes the result. Here one proxy per
 * object is made once and kept, a read costs a trap, and a write costs its patch.
 *
 * The state must be a tree of plain objects and arrays (no Map, Set or class), as it always had to
 * be for immer. Limits: an object at two places of the state is one object, as in fast mode (a
 * write through one place is recorded at that place only); a proxy used outside the handler it was
 * handed to is refused, as immer refused a revoked draft; but an object a handler made, stored and
 * kept its own reference to is not watched once that handler has returned — changed later, the
 * state changes (as in fast mode) and no patch says so (immer's freezing would have thrown).
 */

/** An immer patch (immer's `Patch`), so that immer's `applyPatches` replays it. */
export interface RecordedPatch {
  readonly op: "replace" | "add" | "remove";
  readonly path: (string | number)[];
  readonly value?: unknown;
}

type Key = string | number;
type Obj = Record<string | symbol, unknown>;

/**
 * Read through a proxy, this key gives the object behind it; a plain object has no such key. A
 * property miss costs fast mode less than a WeakMap lookup would in a 16384-slot loop, and no
 * table of millions of proxies weighs on the garbage collector (1000 nodes).
 */
const RAW: unique symbol = Symbol("recorded object");
/** How many recorders are inside a handler right now (0 or 1: handlers never nest). */
let recordingHandlers = 0;
/** Where a state object keeps its place (a non-enumerable property). */
const PLACE: unique symbol = Symbol("place in the recorded state");

/**
 * The state object behind a proxy of a recording, or the value itself. For reads that need no
 * recording (loops over big tables); never write through what it returns.
 */
export function unwrapRecorded<T>(value: T): T {
  // Outside a recorded handler no proxy is in use (a leaked one refuses every access), so fast
  // mode and the checkers skip the property lookup, a miss that shows in 16384-slot loops.
  if (recordingHandlers === 0 || typeof value !== "object" || value === null) return value;
  const raw = (value as { [RAW]?: T })[RAW];
  return raw === undefined ? value : raw;
}

/** Whether `value` is a proxy a recording handed to a handler (it must not leave the handler). */
export function isRecordedProxy(value: unknown): boolean {
  return typeof value === "object" && value !== null && (value as { [RAW]?: unknown })[RAW] !== undefined;
}

/** Array methods that change the array: each is run on the array itself and noted as a few patches. */
const ARRAY_MUTATORS: ReadonlySet<string | symbol> = new Set(["push", "pop", "shift", "unshift", "splice", "sort", "reverse", "fill", "copyWithin"]);

/**
 * One object of the state: its proxy, and where it was last reached from (parent and key). The
 * place is its proxy's handler. Keys of array elements can go stale when the array shifts; the
 * path is checked, and mended, when a write needs it.
 */
class Place implements ProxyHandler<Obj> {
  readonly proxy: Obj;
  readonly isArray: boolean;
  /** A frozen object's children must be handed out as they are (a proxy invariant). */
  readonly frozen: boolean;
  parent: Place | null = null;
  key: Key = "";
  /** Its contents before its first change have been kept (or it was made after the boot). */
  kept = false;
  constructor(
    readonly recorder: PatchRecorder,
    readonly raw: Obj,
  ) {
    this.isArray = Array.isArray(raw);
    this.frozen = Object.isFrozen(raw);
    this.proxy = new Proxy(raw, this);
  }

  // The hottest code of trace mode (a 1000-node clusterCron reads each node's fields through it).
  get(target: Obj, key: string | symbol): unknown {
    const rec = this.recorder;
    if (!rec.active) rec.refuse(key);
    const value = target[key];
    if (typeof value !== "object" || value === null) {
      if (typeof value === "function" && this.isArray && ARRAY_MUTATORS.has(key)) return rec.arrayMethod(this, key as string);
      return key === RAW ? target : value;
    }
    // (`__proto__` reads the prototype, which is not part of the state.)
    if (typeof key === "symbol" || this.frozen || key === "__proto__") return value;
    return rec.placeOf(value as Obj, this, this.isArray ? Number(key) : key).proxy;
  }

  set(target: Obj, key: string | symbol, value: unknown): boolean {
    const rec = this.recorder;
    if (!rec.active) rec.refuse(key);
    const raw = rec.adopt(value);
    if (typeof key === "symbol") {
      target[key] = raw;
      return true;
    }
    if (this.isArray) return rec.setInArray(this, key, raw);
    const had = Object.prototype.hasOwnProperty.call(target, key);
    if (had && Object.is(target[key], raw)) return true;
    if (!this.kept) rec.keep(this);
    target[key] = raw;
    rec.settle(raw, this, key);
    rec.note(this, had ? "replace" : "add", key, raw);
    return true;
  }

  deleteProperty(target: Obj, key: string | symbol): boolean {
    const rec = this.recorder;
    if (!rec.active) rec.refuse(key);
    if (typeof key === "symbol" || !Object.prototype.hasOwnProperty.call(target, key)) return delete target[key];
    if (!this.kept) rec.keep(this);
    delete target[key];
    // A hole in an array has no patch of its own: the array is written whole.
    if (this.isArray) rec.noteWhole(this);
    else rec.note(this, "remove", key, undefined);
    return true;
  }

  defineProperty(): boolean {
    throw new TypeError("trace mode: a handler may not define properties on its state (assign them)");
  }

  setPrototypeOf(): boolean {
    throw new TypeError("trace mode: a handler may not change the prototype of its state's objects");
  }
}

/**
 * Records the patches of one process's handlers, one handler at a time: `begin(state)` hands out
 * the state's proxy, `end()` returns what the handler changed.
 */
export class PatchRecorder {
  /** Inside a handler: proxies may be used. */
  active = false;
  /** Places of objects that cannot carry one (frozen or sealed); the others carry theirs under PLACE. */
  private readonly places = new WeakMap<object, Place>();
  private root: Place | null = null;
  private patches: RecordedPatch[] = [];
  /**
   * Objects the handler made and stored in its state: it may go on changing them through its own
   * reference, where no proxy sees it. Their patches take a copy when the handler returns, and
   * changes inside them are not noted separately (the copy holds them).
   */
  private readonly fresh = new Set<object>();
  /** Patches whose value is a fresh object, copied at `end`. */
  private readonly late: { patch: { value?: unknown } }[] = [];
  /**
   * Each state object's contents just before its first change (a shallow copy). With them, a
   * process's state at boot can be rebuilt when asked for (`initialCopy`) instead of being copied
   * whole at boot: the parts no handler ever changed — at 1000 nodes most of each node's
   * 1000-entry table and its slot table — are never copied until then.
   */
  private readonly before = new Map<object, object>();

  /** Starts recording a handler's changes to `state`; the handler gets the returned proxy. */
  begin<S extends object>(state: S): S {
    if (this.active) throw new TypeError("trace mode: a handler began while another was running");
    const root = this.placeOf(state as unknown as Obj, null, "");
    this.root = root;
    this.patches = [];
    this.active = true;
    recordingHandlers++;
    return root.proxy as unknown as S;
  }

  /** Stops recording; the changes since `begin`, in the order they were made. */
  end(): RecordedPatch[] {
    if (this.active) recordingHandlers--;
    this.active = false;
    this.root = null;
    for (const { patch } of this.late) patch.value = snapshot(patch.value);
    this.late.length = 0;
    this.fresh.clear();
    const patches = this.patches;
    this.patches = [];
    return patches;
  }

  refuse(key: string | symbol): never {
    throw new TypeError(`trace mode: a piece of a process's state was used (.${String(key)}) after its handler returned; keep copies, not the state's own objects`);
  }

  /** Keeps what `place`'s object holds now, before its first change. */
  keep(place: Place): void {
    place.kept = true;
    const raw = place.raw;
    this.before.set(raw, Array.isArray(raw) ? raw.slice() : { ...raw });
  }

  /**
   * A deep copy of `state` as it was when this recorder first saw it (at the process's boot), for
   * patches.jsonl's first line: the objects' kept contents where they have changed since.
   */
  initialCopy(state: object): unknown {
    const copy = (value: unknown): unknown => {
      if (typeof value !== "object" || value === null) return value;
      const then = (this.before.get(value) ?? value) as Record<string, unknown>;
      if (Array.isArray(then)) return then.map(copy);
      const out: Record<string, unknown> = {};
      for (const key in then) out[key] = copy(then[key]);
      return out;
    };
    return copy(state);
  }

  /** The place of a state object reached from `parent` at `key` (made on first sight, then kept). */
  placeOf(raw: Obj, parent: Place | null, key: Key): Place {
    let place = raw[PLACE] as Place | undefined;
    if (place === undefined || place.recorder !== this) {
      place = this.places.get(raw);
      if (place === undefined) {
        place = new Place(this, raw);
        // Hidden from JSON, spreads, Object.keys and for…in; cheaper to find than a WeakMap entry.
        if (Object.isExtensible(raw)) Object.defineProperty(raw, PLACE, { value: place, writable: true, configurable: true, enumerable: false });
        else this.places.set(raw, place);
      }
    }
    if (place.parent !== parent) place.parent = parent;
    if (place.key !== key) place.key = key;
    return place;
  }

  /**
   * A value about to be stored in the state: proxies in it become the objects they stand for, so
   * that the state itself never holds a proxy. Objects the recorder knows as state are not walked.
   */
  adopt(value: unknown): unknown {
    if (typeof value !== "object" || value === null) return value;
    const raw = (value as { [RAW]?: object })[RAW];
    if (raw !== undefined) return raw;
    if (this.knows(value) || Object.isFrozen(value)) return value;
    this.fresh.add(value);
    // Made after the boot: no state before its first change to keep.
    this.placeOf(value as Obj, null, "").kept = true;
    return this.unwrapInside(value as Obj);
  }

  /** Replaces the proxies inside a new value by the objects they stand for. */
  private unwrapInside(obj: Obj): Obj {
    if (Array.isArray(obj)) {
      for (let i = 0; i < obj.length; i++) {
        const item = obj[i];
        if (typeof item === "object" && item !== null) {
          const raw = this.unwrapNested(item);
          if (raw !== item) obj[i] = raw;
        }
      }
    } else {
      for (const key in obj) {
        const item = obj[key];
        if (typeof item === "object" && item !== null) {
          const raw = this.unwrapNested(item);
          if (raw !== item) obj[key] = raw;
        }
      }
    }
    return obj;
  }

  private unwrapNested(value: object): object {
    const raw = (value as { [RAW]?: object })[RAW];
    if (raw !== undefined) return raw;
    if (this.knows(value) || Object.isFrozen(value)) return value;
    return this.unwrapInside(value as Obj);
  }

  /** The place of an object this recorder has met as part of a state, if it has. */
  private placeKnown(raw: object): Place | undefined {
    const place = (raw as Obj)[PLACE] as Place | undefined;
    return place !== undefined && place.recorder === this ? place : this.places.get(raw);
  }

  private knows(raw: object): boolean {
    return this.placeKnown(raw) !== undefined;
  }

  /** An object known as state that was stored at a new place is found there from now on. */
  settle(raw: unknown, parent: Place, key: Key): void {
    if (typeof raw !== "object" || raw === null) return;
    const place = this.placeKnown(raw);
    if (place !== undefined) {
      place.parent = parent;
      place.key = key;
    }
  }

  setInArray(place: Place, key: string, raw: unknown): boolean {
    const target = place.raw as unknown as unknown[];
    const length = target.length;
    if (key === "length") {
      const newLength = raw as number;
      if (newLength === length) return true;
      if (!place.kept) this.keep(place);
      target.length = newLength;
      if (newLength > length) this.noteWhole(place);
      // Cut from the end, so that each `remove` (a splice on replay) takes the last element.
      else for (let i = length - 1; i >= newLength; i--) this.note(place, "remove", i, undefined);
      return true;
    }
    const index = Number(key);
    if (!Number.isInteger(index) || index < 0 || String(index) !== key) {
      (target as unknown as Obj)[key] = raw;
      return true;
    }
    if (!place.kept) this.keep(place);
    if (index < length) {
      if (index in target && Object.is(target[index], raw)) return true;
      target[index] = raw;
      this.settle(raw, place, index);
      this.note(place, "replace", index, raw);
    } else {
      target[index] = raw;
      this.settle(raw, place, index);
      if (index === length) this.note(place, "add", index, raw);
      else this.noteWhole(place);
    }
    return true;
  }

  /** A mutating array method, run on the array itself and noted as the patches it amounts to. */
  arrayMethod(place: Place, name: string): (...args: unknown[]) => unknown {
    return (...args: unknown[]): unknown => {
      if (!this.active) this.refuse(name);
      if (!place.kept) this.keep(place);
      const target = place.raw as unknown as unknown[];
      const length = target.length;
      const hand = (value: unknown, index: number): unknown =>
        typeof value === "object" && value !== null ? this.placeOf(value as Obj, place, index).proxy : value;
      switch (name) {
        case "push": {
          for (let i = 0; i < args.length; i++) {
            const raw = this.adopt(args[i]);
            target.push(raw);
            this.settle(raw, place, length + i);
            this.note(place, "add", length + i, raw);
          }
          return target.length;
        }
        case "pop": {
          if (length === 0) return undefined;
          const value = target.pop();
          this.note(place, "remove", length - 1, undefined);
          return hand(value, length - 1);
        }
        case "shift": {
          if (length === 0) return undefined;
          const value = target.shift();
          this.note(place, "remove", 0, undefined);
          return hand(value, 0);
        }
        case "unshift": {
          const items = args.map((a) => this.adopt(a));
          target.unshift(...items);
          for (let i = 0; i < items.length; i++) {
            this.settle(items[i], place, i);
            this.note(place, "add", i, items[i]);
          }
          return target.length;
        }
        case "splice": {
          // Array.prototype.splice's own reading of its arguments (ECMA-262 §23.1.3.31).
          const startArg = args.length > 0 ? Math.trunc(Number(args[0])) || 0 : 0;
          const start = startArg < 0 ? Math.max(length + startArg, 0) : Math.min(startArg, length);
          const deleteCount = args.length === 0 ? 0 : args.length === 1 ? length - start : Math.min(Math.max(Math.trunc(Number(args[1])) || 0, 0), length - start);
          const items = args.slice(2).map((a) => this.adopt(a));
          const removed = target.splice(start, deleteCount, ...items);
          for (let i = 0; i < deleteCount; i++) this.note(place, "remove", start, undefined);
          for (let i = 0; i < items.length; i++) {
            this.settle(items[i], place, start + i);
            this.note(place, "add", start + i, items[i]);
          }
          return removed.map((value, i) => hand(value, start + i));
        }
        default: {
          // sort, reverse, fill, copyWithin: rare, and the array is written whole.
          const method = (Array.prototype as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!;
          method.apply(target, args.map((a) => this.adopt(a)));
          this.noteWhole(place);
          return place.proxy;
        }
      }
    };
  }

  /** Notes `op` at `key` of the object at `place`, if that object is still part of the state. */
  note(place: Place, op: RecordedPatch["op"], key: Key, value: unknown): void {
    const path = this.pathOf(place);
    if (path === null) return;
    path.push(key);
    this.push(op, path, value);
  }

  private push(op: RecordedPatch["op"], path: Key[], value: unknown): void {
    if (op === "remove") {
      this.patches.push({ op, path });
    } else if (typeof value === "object" && value !== null && this.fresh.has(value)) {
      const patch = { op, path, value };
      this.patches.push(patch);
      this.late.push({ patch });
    } else {
      this.patches.push({ op, path, value: snapshot(value) });
    }
  }

  /** Notes the array at `place` written whole. */
  noteWhole(place: Place): void {
    const path = this.pathOf(place);
    if (path === null) return;
    this.push("replace", path, place.raw);
  }

  /**
   * The path from the handler's state to `place`, or null when the object is no longer in it (a
   * write to a detached object changes no state), or when the object is inside one made by this
   * handler (its patch's copy holds the change). Array keys made stale by a shift are mended.
   */
  private pathOf(place: Place): Key[] | null {
    const keys: Key[] = [];
    const fresh = this.fresh.size > 0 ? this.fresh : null;
    let at = place;
    while (at.parent !== null) {
      if (fresh !== null && fresh.has(at.raw)) return null;
      const parent = at.parent;
      const container = parent.raw as Record<Key, unknown>;
      if (container[at.key] !== at.raw) {
        if (!parent.isArray) return null;
        const index = (parent.raw as unknown as unknown[]).indexOf(at.raw);
        if (index < 0) return null;
        at.key = index;
      }
      keys.push(at.key);
      at = parent;
    }
    if (at !== this.root) return null;
    keys.reverse();
    return keys;
  }
}

/**
 * A copy of a value as it is now: the state changes in place afterwards, and a patch must keep
 * what was written. Plain objects and arrays are copied deep; anything else is kept as it is.
 */
export function snapshot<T>(value: T): T {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = snapshot(value[i]);
    return out as T;
  }
  const out: Record<string, unknown> = {};
  for (const key in value) out[key] = snapshot((value as Record<string, unknown>)[key]);
  return out as T;
}
