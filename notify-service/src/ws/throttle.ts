/**
 * A token bucket per socket for client frames: `burst` at once, `perSecond` sustained. Pure
 * apart from the clock it is given.
 */
export interface FrameThrottle {
  /** True when the frame may be handled now. */
  take(): boolean;
}

export function createFrameThrottle(
  limits: { burst: number; perSecond: number },
  now: () => number = Date.now,
): FrameThrottle {
  let tokens = limits.burst;
  let last = now();
  return {
    take() {
      const at = now();
      tokens = Math.min(limits.burst, tokens + ((at - last) / 1000) * limits.perSecond);
      last = at;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}
