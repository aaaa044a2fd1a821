export interface CrashLoopSide {
  finalHash: string;
  bestHash: string;
  iterations: number;
  paidCalls: number;
  /** Requests paid for more than once (0 = no completed call repeated). */
  repeatedRequests: number;
  wallMs: number;
}

export interface CrashLoopResult {
  seed: number;
  /** Kills delivered (a process that finished before its kill moment is not counted). */
  kills: number;
  killedAt: Array<{ atPaidCall: number; hit: string }>;
  uninterrupted: CrashLoopSide;
  crashed: CrashLoopSide;
}

export function crashLoop(options: { kills: number; seed?: number }): Promise<CrashLoopResult>;
