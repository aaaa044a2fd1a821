import { describe, expect, it } from "vitest";
import { crashLoop } from "../bench/lib/crash-loop.mjs";

describe("the crash loop (sim world, a simulation)", () => {
  it("an optimize run killed with SIGKILL at random moments and resumed each time ends like an uninterrupted one, paying for no call twice", async () => {
    // A few kills here; `npm run bench` runs ten. The seed of the kill moments is printed on failure.
    const result = await crashLoop({ kills: 3 });
    const context = JSON.stringify(result);
    expect(result.kills, context).toBeGreaterThanOrEqual(1);
    expect(result.crashed.finalHash, context).toBe(result.uninterrupted.finalHash);
    expect(result.crashed.bestHash, context).toBe(result.uninterrupted.bestHash);
    expect(result.crashed.iterations, context).toBe(result.uninterrupted.iterations);
    expect(result.crashed.repeatedRequests, context).toBe(0);
    expect(result.uninterrupted.repeatedRequests, context).toBe(0);
    expect(result.crashed.paidCalls, context).toBeLessThanOrEqual(result.uninterrupted.paidCalls);
  }, 120_000);
});
