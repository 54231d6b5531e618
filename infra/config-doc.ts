// npm run docs:config — regenerate docs/configuration.md from the config schema.
import { writeFileSync } from 'node:fs';
import { configurationReference } from '../config/reference.js';

writeFileSync('docs/configuration.md', configurationReference());
process.stdout.write('wrote docs/configuration.md\n');
