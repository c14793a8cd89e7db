// Azurite's table service, saving its database before it acknowledges each change: Azure Storage never loses a
// write it acknowledged, while Azurite saves every 5 s, so a kill -9 would test the emulator rather than ClouDO.
const Store = require('azurite/dist/src/table/persistence/LokiTableMetadataStore').default;

const CHANGES = [
  'createTable',
  'deleteTable',
  'setTableACL',
  'insertTableEntity',
  'insertOrUpdateTableEntity',
  'insertOrMergeTableEntity',
  'updateTableEntity',
  'mergeTableEntity',
  'deleteTableEntity',
  'endBatchTransaction',
  'setServiceProperties',
];

for (const name of CHANGES) {
  const change = Store.prototype[name];
  if (typeof change !== 'function') throw new Error(`Azurite's table store has no ${name}: update this shim`);
  Store.prototype[name] = async function (...args) {
    const result = await change.apply(this, args);
    await this.saveDBState();
    return result;
  };
}

require('azurite/dist/src/table/main.js');
