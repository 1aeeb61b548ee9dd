/** The Store port's contract, run against the embedded store in a fresh data directory per test. */
import { LowdbStore } from '../../src/store/lowdb-store.ts';
import { tempDir } from '../support/fixtures.ts';
import { storeContract } from './contract.ts';

storeContract('lowdb', async () => {
  const dir = await tempDir();
  return { open: () => LowdbStore.open({ dataDir: dir.path }), dispose: () => dir.remove() };
});
