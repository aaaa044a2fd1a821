// The crash loop for bench/results.json: an optimize run on the sim world (a simulation) killed with
// SIGKILL at random moments, resumed after each; its final skill and paid calls against an
// uninterrupted run of the same seed. Usage (after a build): node bench/crash-loop.mjs [kills] [seed]
import { crashLoop } from "./lib/crash-loop.mjs";

const [kills = 10, seed] = process.argv.slice(2).map(Number);
const result = await crashLoop({ kills, ...(seed === undefined ? {} : { seed }) });
const same =
  result.crashed.finalHash === result.uninterrupted.finalHash &&
  result.crashed.bestHash === result.uninterrupted.bestHash;
const repeated =
  result.crashed.repeatedRequests + Math.max(0, result.crashed.paidCalls - result.uninterrupted.paidCalls);
process.stdout.write(`${JSON.stringify({ ...result, sameFinalSkill: same, repeatedPaidCalls: repeated })}\n`);
if (!same || repeated > 0) process.exit(1);
