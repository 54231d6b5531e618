import { SETTINGS } from './schema.js';

function shown(value: unknown): string {
  if (value === undefined) return '—';
  if (Array.isArray(value)) return `\`${value.join(',')}\``;
  return `\`${JSON.stringify(value).replace(/^"|"$/g, '')}\``;
}

/** docs/configuration.md, generated from the config schema so the two cannot drift apart. */
export function configurationReference(): string {
  const lines = [
    '# Configuration reference',
    '',
    '<!-- Generated from config/schema.ts by `npm run docs:config`; a unit test keeps it current. -->',
    '',
    'Every setting is an environment variable, and can also be given in a JSON file named by',
    '`CONFIG_FILE` (nested by section, as in `{"mqtt": {"port": 1883}}`); the environment wins over the',
    'file, the file over the defaults. Unknown keys in the file and invalid values stop the process with',
    'a message naming the setting (exit code 78).',
    '',
  ];
  const sections = [...new Set(SETTINGS.map((s) => s.section))];
  for (const section of sections) {
    lines.push(
      `## ${section}`,
      '',
      '| variable | file key | default | expected | description |',
      '|---|---|---|---|---|',
    );
    for (const s of SETTINGS.filter((x) => x.section === section)) {
      const value = s.secret && s.default !== undefined ? '(secret)' : shown(s.default);
      lines.push(
        `| \`${s.env}\` | \`${s.path}\` | ${value} | ${s.expected.replace(/\|/g, '\\|')} | ${s.description} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}
