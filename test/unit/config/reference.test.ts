import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../../../config/index.js';
import { configurationReference } from '../../../config/reference.js';

describe('docs/configuration.md', () => {
  it('is what the schema generates (run npm run docs:config after changing a setting)', () => {
    expect(readFileSync('docs/configuration.md', 'utf8')).toBe(configurationReference());
  });

  it('names every setting with its environment variable', () => {
    const doc = configurationReference();
    for (const setting of SETTINGS) expect(doc).toContain(`\`${setting.env}\``);
  });
});
