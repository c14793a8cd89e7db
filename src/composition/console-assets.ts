// The console's files for the function that serves them: apart from the storage services, so serving needs no storage.
import { createConsoleFiles } from '../adapters/console/console-files';
import type { ConsoleFiles } from '../services/console/ports';

let files: ConsoleFiles | undefined;

/** One reader per process: the files are read once and kept. */
export function consoleFiles(): ConsoleFiles {
  return (files ??= createConsoleFiles());
}
