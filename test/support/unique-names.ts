// Unique storage resource names so integration tests can share one Azurite without seeing each other's data.
import { randomBytes } from 'node:crypto';

// Leaves room for the "-poison" suffix the queue listener appends (queue names max out at 63 characters).
const MAX_PREFIX = 20;

function cleanPrefix(prefix: string): string {
  return prefix
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, MAX_PREFIX);
}

/** Lowercase letters and digits only, starting with a letter: valid as both a table name and a queue name. */
export function uniqueName(prefix: string): string {
  return `t${cleanPrefix(prefix)}${randomBytes(8).toString('hex')}`;
}

/** Queue name with dashes for readability in Azurite logs; not a valid table name. */
export function uniqueQueueName(prefix: string): string {
  const cleaned = cleanPrefix(prefix);
  return `q-${cleaned === '' ? 'x' : cleaned}-${randomBytes(8).toString('hex')}`;
}
