/**
 * Debian's Chromium, driven by playwright-core (which never downloads a browser of its own).
 * The flags keep Chromium off the network it would otherwise call at start (this machine's
 * network refuses those connections); Playwright gives each launch a fresh profile.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** The Chromium binary: CHROMIUM_PATH, else Debian's /usr/bin/chromium. @throws Error saying how to install it. */
export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(`The browser tests need Chromium at ${path}: install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH`);
  }
  return path;
}

/** Launches headless Chromium. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: FLAGS, timeout: 60_000 });
}
