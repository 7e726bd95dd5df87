/**
 * The benchmark's own measuring: a child's exit code, output and arguments come through the
 * timing wrappers untouched, CPU and peak RSS are read when GNU time is there, and ratios pair
 * runs from the same round.
 * @module
 */
import assert from "node:assert/strict";
import { cleanupMeasure, hasGnuTime, measure } from "./process.ts";
import { ratios, summarize } from "./stats.ts";

Deno.test("measure: exit code, stdout, stderr and arguments with spaces pass through; CPU and RSS when GNU time exists", async () => {
  try {
    const run = await measure({
      name: "sh",
      cmd: "/bin/sh",
      args: ["-c", 'printf "%s|" "$@"; echo err >&2; i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; exit 3', "sh", "a b", "", "c"],
      env: { PATH: "/usr/bin:/bin" },
    });
    assert.equal(run.code, 3);
    assert.equal(run.stdout, "a b||c|");
    assert.equal(run.stderr, "err\n");
    assert.ok(run.wallMs > 0);
    if (await hasGnuTime()) {
      assert.ok(run.cpuMs !== null && run.cpuMs > 0 && run.cpuMs < 60_000, `cpu ${run.cpuMs}`);
      assert.ok(run.maxRssKiB !== null && run.maxRssKiB > 100, `rss ${run.maxRssKiB}`);
    } else {
      assert.equal(run.cpuMs, null);
    }
  } finally {
    await cleanupMeasure();
  }
});

Deno.test("ratios pair runs from the same round; summarize gives median and extremes", () => {
  const r = ratios([110, 90, 120], [100, 100, 100]);
  assert.equal(r.ofMedians, 1.1);
  assert.equal(r.perPairMedian, 1.1);
  assert.equal(r.perPairMin, 0.9);
  assert.equal(r.perPairMax, 1.2);
  assert.deepEqual(summarize([3, 1, 2, 10]), { median: 2.5, min: 1, max: 10, n: 4 });
});
