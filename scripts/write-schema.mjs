// Writes the JSON Schemas of the two user-facing contracts (run by `npm run schema`, after a build):
// schema/evalgate.schema.json from the config schema, schema/evalgate.report.schema.json from the report schema.
import { mkdirSync, writeFileSync } from 'node:fs';
import { configJsonSchema } from '../lib/config/schema.js';
import { reportJsonSchema } from '../lib/report/schema.js';

mkdirSync('schema', { recursive: true });
for (const [file, schema] of [
  ['schema/evalgate.schema.json', configJsonSchema()],
  ['schema/evalgate.report.schema.json', reportJsonSchema()],
]) {
  writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote ${file}`);
}
