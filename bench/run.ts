// `npm run bench`: starts an in-memory Azurite and prints figures; nothing here asserts a time.
import { startAzurite } from '../src/local/azurite';
import { benchAcceptLoad } from './accept-load';
import { benchListing } from './listing';
import { benchOutput } from './output';
import { benchPaging } from './paging';
import { benchThroughput } from './throughput';

// Azurite checks every write against its whole partition, and a run's record and index rows share one (ADR 0015):
// seeding grows with the square of the history, so the default stops at 10,000 runs (about 3 minutes);
// `npm run bench -- --history 30000` measures larger ones, given the time (30,000 took about half an hour).
function historySizes(argv: readonly string[]): number[] {
  const i = argv.indexOf('--history');
  const list = i >= 0 ? argv[i + 1] : undefined;
  if (!list) return [100, 3_000, 10_000];
  const sizes = list.split(',').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--history takes whole numbers: ${list}`);
  return sizes;
}

const PARTS = ['listing', 'accept', 'output', 'paging', 'throughput'] as const;

// `npm run bench -- --only accept,throughput` runs some of the parts, for a quicker look while working on one.
function chosenParts(argv: readonly string[]): ReadonlySet<string> {
  const i = argv.indexOf('--only');
  const list = i >= 0 ? (argv[i + 1] ?? '').split(',') : [...PARTS];
  const unknown = list.filter((part) => !(PARTS as readonly string[]).includes(part));
  if (unknown.length > 0) throw new Error(`--only takes some of ${PARTS.join(',')}: ${unknown.join(',')}`);
  return new Set(list);
}

async function main(): Promise<void> {
  const sizes = historySizes(process.argv.slice(2));
  const parts = chosenParts(process.argv.slice(2));
  const azurite = await startAzurite({ mode: 'memory' });
  const { connectionString } = azurite;
  try {
    if (parts.has('listing')) await benchListing(connectionString, sizes);
    if (parts.has('accept')) await benchAcceptLoad(connectionString);
    if (parts.has('output')) await benchOutput(1000);
    if (parts.has('paging')) await benchPaging(connectionString, 5);
    // Last: it registers a tracer provider for the process, which would slow the figures measured after it.
    if (parts.has('throughput')) await benchThroughput(connectionString);
  } finally {
    await azurite.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
