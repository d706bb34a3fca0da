/** Prints the settings table (Markdown) to paste into docs/configuration.md and the README. */
import { renderSettingsTable } from '../src/config/settings-table.js';

process.stdout.write(`${renderSettingsTable()}\n`);
