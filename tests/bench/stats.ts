/**
 * Small statistics helpers shared by the benchmarks: median, min–max, percentiles and the
 * per-pair ratio summary used to compare a variant against a floor measured in the same run.
 *
 * @example
 * ```ts
 * import { summarize } from "./stats.ts";
 * console.log(summarize([3, 1, 2]).median); // 2
 * ```
 * @module
 */

/** Median, extremes and count of a list of numbers. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  n: number;
}

/** The p-th percentile (0–100) by nearest rank; NaN for an empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/** The median (mean of the two middle values for an even count); NaN for an empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median, min, max and count. */
export function summarize(values: readonly number[]): Summary {
  return { median: median(values), min: values.length ? Math.min(...values) : NaN, max: values.length ? Math.max(...values) : NaN, n: values.length };
}

/** A ratio of a variant against a floor: of the medians, and the median and range of the per-pair ratios. */
export interface RatioSummary {
  ofMedians: number;
  perPairMedian: number;
  perPairMin: number;
  perPairMax: number;
}

/** Ratios of `values[i] / floor[i]` (pairs from the same round) and of the two medians. */
export function ratios(values: readonly number[], floor: readonly number[]): RatioSummary {
  const pairs: number[] = [];
  for (let i = 0; i < Math.min(values.length, floor.length); i++) if (floor[i] > 0) pairs.push(values[i] / floor[i]);
  const s = summarize(pairs);
  return { ofMedians: median(values) / median(floor), perPairMedian: s.median, perPairMin: s.min, perPairMax: s.max };
}

/** Rounds for JSON output (keeps files readable). */
export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
