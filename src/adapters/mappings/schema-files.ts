// Mapping files on disk: every *.json under the schemas directory, except JSON Schema files.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { MappingFile } from '../../services/mappings/ports';

export async function readMappingFiles(schemasDir: string, labelBase: string = process.cwd()): Promise<MappingFile[]> {
  const names = await listJson(schemasDir);
  return Promise.all(
    names.map(async (file) => ({
      // Messages name files as the user sees them in the repository, not by absolute path.
      name: path.relative(labelBase, file) || file,
      text: await fs.readFile(file, 'utf8'),
    })),
  );
}

async function listJson(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map(async (e) => {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) return listJson(full);
      return e.isFile() && e.name.endsWith('.json') && !e.name.endsWith('.schema.json') ? [full] : [];
    }),
  );
  return nested.flat().sort();
}

/** Writes the generated JSON Schema next to the mapping files, where editors look for it. */
export async function writeMappingJsonSchema(schemasDir: string, text: string): Promise<string> {
  const file = path.join(schemasDir, 'mapping.schema.json');
  await fs.writeFile(file, text);
  return file;
}
