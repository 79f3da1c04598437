// Writes schema/evalgate.schema.json from the config schema (run by `npm run schema`, after a build).
import { mkdirSync, writeFileSync } from 'node:fs';
import { configJsonSchema } from '../lib/config/schema.js';

mkdirSync('schema', { recursive: true });
writeFileSync('schema/evalgate.schema.json', `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
console.log('wrote schema/evalgate.schema.json');
