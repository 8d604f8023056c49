/** A job for the worker-pool tests: cheap, and it fails on a negative number. */
export function offsetSquare(offset: number, n: number): number {
  if (n < 0) throw new Error(`negative job ${n}`);
  // Uneven work, so that workers finish out of order.
  let spin = 0;
  for (let i = 0; i < (n % 3) * 200_000; i++) spin += i & 1;
  return offset + n * n + spin * 0;
}
