import { hash, type Options, verify } from '@node-rs/argon2';

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(passwordHash: string, password: string): Promise<boolean>;
}

/** OWASP's argon2id parameters: 19 MiB, two passes, one lane. (2 is Argon2id; the enum is a const enum type strippers cannot read.) */
export const ARGON2ID_OWASP: Options = {
  algorithm: 2 as Options['algorithm'],
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
};

export function createArgon2Hasher(options = ARGON2ID_OWASP): PasswordHasher {
  return {
    hash: (password) => hash(password, options),
    verify: async (passwordHash, password) => {
      try {
        return await verify(passwordHash, password);
      } catch {
        return false;
      }
    },
  };
}
