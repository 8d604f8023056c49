/**
 * An empty record for keys that are data, not field names: node ids (random 40-character
 * names, new in every run), dataset keys, acknowledged keys. As the keys of an ordinary object
 * each new name makes the engine build a new hidden class, and a lookup by a varying key goes
 * through a megamorphic cache; an object without a prototype is a hash table from the start.
 * It stays a plain object to JSON, immer, the trace-mode recorder and `for … in`.
 */
export function keyedRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}
