// `npm run bench`: starts an in-memory Azurite and prints figures; nothing here asserts a time.
import { startAzurite } from '../src/local/azurite';
import { benchListing } from './listing';
import { benchOutput } from './output';
import { benchPipeline } from './pipeline';

async function main(): Promise<void> {
  const azurite = await startAzurite({ mode: 'memory' });
  try {
    await benchListing(azurite.connectionString, [100, 10_000, 100_000]);
    await benchPipeline(azurite.connectionString, 100);
    await benchOutput(300);
  } finally {
    await azurite.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
