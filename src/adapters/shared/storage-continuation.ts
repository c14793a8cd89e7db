// Storage continuation tokens: the row a Table query that answered in parts goes on from.
import { z } from 'zod';

// The SDK's token is base64 of the JSON of storage's x-ms-continuation-NextPartitionKey and -NextRowKey.
const token = z.object({ nextPartitionKey: z.string(), nextRowKey: z.string().optional() });

/** The row key a query goes on from; throws if the token is not the SDK's (a silent end would drop rows). */
export function nextRowKeyOf(continuationToken: string): string {
  let parsed: z.infer<typeof token> | undefined;
  try {
    parsed = token.parse(JSON.parse(Buffer.from(continuationToken, 'base64').toString('utf8')));
  } catch {
    parsed = undefined;
  }
  if (parsed?.nextRowKey === undefined) throw new Error(`unreadable storage continuation token ${continuationToken}`);
  return parsed.nextRowKey;
}
