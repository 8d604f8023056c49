import { keyHashSlot } from "../cluster/key-slot";

/**
 * The writer's key names and values, built once. A name is a pure function of its number, so each
 * is built (and its slot hashed) once and the same string object goes to every write of it: the
 * engine interns a string the first time it keys a table (~0.3 µs, ten times a lookup), and a
 * fresh string would pay that at every write. A sweep's runs write the same first key numbers
 * again, so the low ones are shared by every writer of the process.
 */

/** Key numbers below this have their names and slots shared by all writers of the process (per prefix). */
export const SHARED_KEY_NUMBERS = 1 << 16;

/** The names `prefix + n` and their hash slots, each computed at its first use. */
export class KeyNames {
  private readonly names: string[] = [];
  private readonly slots: number[] = [];
  constructor(private readonly prefix: string) {}

  name(keyNumber: number): string {
    return (this.names[keyNumber] ??= this.prefix + String(keyNumber));
  }

  slot(keyNumber: number): number {
    return (this.slots[keyNumber] ??= keyHashSlot(this.name(keyNumber)));
  }
}

const sharedKeyNamesByPrefix = new Map<string, KeyNames>();

export function sharedKeyNames(prefix: string): KeyNames {
  let names = sharedKeyNamesByPrefix.get(prefix);
  if (names === undefined) sharedKeyNamesByPrefix.set(prefix, (names = new KeyNames(prefix)));
  return names;
}

const decimalStrings = new KeyNames("");

/** A write's value, the decimal digits of its sequence number: shared strings for the low ones, as key names are. */
export function decimalString(n: number): string {
  return n < SHARED_KEY_NUMBERS ? decimalStrings.name(n) : String(n);
}
