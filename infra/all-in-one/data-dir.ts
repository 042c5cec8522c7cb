import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { generateSigningKeys, type KeyPairPem } from '@taskflow/platform';

/**
 * PGlite serves one process: two on one folder lose writes. The lock file names the holder's
 * pid; a lock whose process is gone (a crash) is taken over, a live one refuses the start.
 */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lockPath = join(dataDir, 'taskflow.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(lockPath, 'utf8'));
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
        throw new Error(
          `${dataDir} is in use by process ${holder}: stop it, or start with another TASKFLOW_DATA_DIR`,
        );
      }
      rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`could not lock ${dataDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface LocalSecrets {
  keys: KeyPairPem;
  serviceToken: string;
  operatorToken: string;
}

/** Generated on the first start and kept (owner-only) so tokens survive restarts. */
export function loadOrCreateSecrets(dataDir: string): LocalSecrets {
  const dir = join(dataDir, 'secrets');
  const file = join(dir, 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as LocalSecrets;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const secrets: LocalSecrets = {
    keys: generateSigningKeys(),
    serviceToken: randomBytes(32).toString('base64url'),
    operatorToken: randomBytes(32).toString('base64url'),
  };
  writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  return secrets;
}
