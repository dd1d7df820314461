import { randomBytes } from 'node:crypto';

/** A short id unique to this test file's run: names its database, subjects and Redis keys. */
export function uniqueId(): string {
  return `t${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
}
