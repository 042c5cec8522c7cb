import { TooManyRequestsError } from '@taskflow/platform';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export interface LoginThrottleSettings {
  perEmail: number;
  perAddress: number;
  windowSeconds: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleSettings = {
  perEmail: 5,
  perAddress: 30,
  windowSeconds: 60,
};

/**
 * Brute-force brakes for login: failed attempts per email (guessing one account's password)
 * and all attempts per client address (spraying many accounts). In memory, per instance: with
 * N instances an attacker gets N times the budget, which argon2's cost still makes slow.
 */
export function createLoginThrottle(settings: LoginThrottleSettings) {
  const byEmail = new RateLimiterMemory({ points: settings.perEmail, duration: settings.windowSeconds });
  const byAddress = new RateLimiterMemory({ points: settings.perAddress, duration: settings.windowSeconds });

  const refuse = (wait: RateLimiterRes) =>
    new TooManyRequestsError('Too many login attempts; try again later', wait.msBeforeNext / 1000);

  return {
    /** Before checking the password: counts the attempt against the address, checks the email's budget. */
    async admit(email: string, address: string): Promise<void> {
      try {
        await byAddress.consume(address);
      } catch (error) {
        if (error instanceof RateLimiterRes) throw refuse(error);
        throw error;
      }
      const emailState = await byEmail.get(email);
      if (emailState && emailState.consumedPoints >= settings.perEmail) throw refuse(emailState);
    },
    async failed(email: string): Promise<void> {
      await byEmail.penalty(email, 1);
    },
    async succeeded(email: string): Promise<void> {
      await byEmail.delete(email);
    },
  };
}
