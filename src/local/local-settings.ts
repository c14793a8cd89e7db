// local.settings.json for `npm start`: its `Values` are settings, as `func start` reads them; the environment wins.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { StartError } from './start-error';

export type LocalSettings = {
  /** Where they were read from, for the start-up line; null when there is no file. */
  readonly file: string | null;
  readonly values: Readonly<Record<string, string>>;
};

const fileSchema = z.object({
  IsEncrypted: z.literal(false, 'must be false: npm start cannot decrypt settings').optional(),
  Values: z.record(z.string(), z.string('must be a string')).optional(),
});

// Under `func start` this names the emulator at the default ports; `npm start` runs its own, which is what it means
// there. A shell that sets it still connects to that emulator.
const DEVELOPMENT_STORAGE = /^UseDevelopmentStorage=true$/i;

/** The file's `Values` (none when it does not exist); a file that is not valid is a StartError naming the field. */
export async function readLocalSettings(file: string): Promise<LocalSettings> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { file: null, values: {} };
    throw new StartError(`Cannot read ${file}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new StartError(`${file} is not JSON: ${(err as Error).message}`);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const shown = path.relative(process.cwd(), file);
    throw new StartError(`${shown}: ${issue?.path.join('.') || 'the file'} ${issue?.message ?? 'is invalid'}`);
  }
  const values = Object.entries(parsed.data.Values ?? {}).filter(([, v]) => !DEVELOPMENT_STORAGE.test(v));
  return { file, values: Object.fromEntries(values) };
}
