/** The settings table as Markdown, for docs/configuration.md and the README. Pure. */
import { SETTINGS, type SettingKey } from '../../config/environment.js';

/** Where derived defaults come from, in words. */
const DERIVED_DEFAULTS: Partial<Record<SettingKey, string>> = {
  address: '`ws://localhost:${port}`',
  authKey: 'none: development key with a warning; required when `NODE_ENV=production`',
  heartBeatTimeout: '`heartBeatInterval`',
  browserKey: 'none',
  tlsCert: 'none (plain `ws://`)',
  tlsKey: 'none',
};

/** One Markdown table: option key, env var, default, description. */
export function renderSettingsTable(): string {
  const rows = (Object.keys(SETTINGS) as SettingKey[]).map((key) => {
    const row = SETTINGS[key];
    const env = row.env === null ? '(code only)' : `\`${row.env}\``;
    return `| \`${key}\` | ${env} | ${DERIVED_DEFAULTS[key] ?? formatDefault(row.default)} | ${row.doc} |`;
  });
  return ['| option key | env | default | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

function formatDefault(value: unknown): string {
  if (value === Infinity) return 'unlimited';
  if (typeof value === 'string') return `\`${value}\``;
  return `\`${JSON.stringify(value)}\``;
}
