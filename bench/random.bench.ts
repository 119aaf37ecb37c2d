/**
 * Throughput of the seeded generator in src/rules/random.ts: draws per second of `.next()` and of
 * `.poisson(3)` over 10 million draws each, after a short warm-up. Called by the bench runner.
 */
import { performance } from 'node:perf_hooks';
import { Random } from '../src/rules/random.js';

const DRAWS = 10_000_000;
const WARMUP = 200_000;

/** Times `draws` calls of `f`; returns draws per second. The checksum keeps the JIT from dropping the work. */
function measure(f: () => number, draws: number): number {
  let checksum = 0;
  for (let i = 0; i < WARMUP; i++) checksum += f();
  const t0 = performance.now();
  for (let i = 0; i < draws; i++) checksum += f();
  const seconds = (performance.now() - t0) / 1000;
  if (!Number.isFinite(checksum)) throw new Error('random bench: non-finite checksum');
  return draws / seconds;
}

export async function run(): Promise<Array<{ name: string; value: number; unit: string }>> {
  const root = Random.fromSeed('bench');
  const uniform = root.stream('next');
  const counts = root.stream('poisson');
  const results = [
    { name: 'random.next', value: measure(() => uniform.next(), DRAWS), unit: 'draws/s' },
    { name: 'random.poisson(3)', value: measure(() => counts.poisson(3), DRAWS), unit: 'draws/s' },
  ];
  return Promise.resolve(results);
}
