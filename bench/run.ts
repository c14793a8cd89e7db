// `npm run bench`: starts an in-memory Azurite and prints figures; nothing here asserts a time.
import { startAzurite } from '../src/local/azurite';
import { benchAcceptLoad } from './accept-load';
import { benchListing } from './listing';
import { benchOutput } from './output';
import { benchPaging } from './paging';
import { benchThroughput } from './throughput';

// Azurite checks every write against its whole partition, and a run's record and index rows share one (ADR 0015):
// seeding grows with the square of the history, so the default stops at 10,000 runs (about 4 minutes);
// `npm run bench -- --history 30000` measures larger ones, given the time (30,000 takes over half an hour).
function historySizes(argv: readonly string[]): number[] {
  const i = argv.indexOf('--history');
  const list = i >= 0 ? argv[i + 1] : undefined;
  if (!list) return [100, 3_000, 10_000];
  const sizes = list.split(',').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--history takes whole numbers: ${list}`);
  return sizes;
}

async function main(): Promise<void> {
  const sizes = historySizes(process.argv.slice(2));
  const azurite = await startAzurite({ mode: 'memory' });
  try {
    await benchListing(azurite.connectionString, sizes);
    await benchAcceptLoad(azurite.connectionString);
    await benchOutput(1000);
    await benchPaging(azurite.connectionString, 5);
    // Last: it registers a tracer provider for the process, which would slow the figures measured after it.
    await benchThroughput(azurite.connectionString);
  } finally {
    await azurite.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
