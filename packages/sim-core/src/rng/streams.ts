import seedrandom from "seedrandom";

/**
 * Seeded randomness, forked by name. A stream is a pure function of the run's seed and its path
 * (`node/7001/election`), never of how many draws other streams made: adding a node or a fault
 * leaves every other stream's draws unchanged, which keeps shrinking stable.
 *
 * The generator is seedrandom's Alea: fast, and the same bits on every platform.
 */
export class RandomStream {
  private readonly next01: () => number;

  constructor(readonly path: string, rootSeed: string) {
    this.next01 = seedrandom.alea(`${rootSeed}/${path}`);
  }

  /** A float in [0, 1). */
  next(): number {
    return this.next01();
  }

  /** An integer in [0, maxExclusive). */
  int(maxExclusive: number): number {
    return Math.floor(this.next01() * maxExclusive);
  }

  /** An integer in [min, max], both ends included. */
  between(min: number, max: number): number {
    return min + Math.floor(this.next01() * (max - min + 1));
  }

  /** `bytes` random bytes as lowercase hex, e.g. 20 bytes for a Redis node ID. */
  hex(bytes: number): string {
    let out = "";
    for (let i = 0; i < bytes; i++) out += this.int(256).toString(16).padStart(2, "0");
    return out;
  }
}

export class Seeds {
  constructor(readonly root: string) {}

  stream(path: string): RandomStream {
    return new RandomStream(path, this.root);
  }
}
