// Alert webhook fixtures (test/fixtures/alerts): real Azure Monitor and Alertmanager payloads, read one way.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The folder, for tests that hand a file to a runbook or a CLI. */
export const ALERT_FIXTURES = path.resolve(__dirname, '../fixtures/alerts');

/** A fixture's text, exactly as a sender would post it. */
export function alertFixtureText(name: string): string {
  return readFileSync(path.join(ALERT_FIXTURES, name), 'utf8');
}

/** A fixture, parsed. */
export function alertFixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(alertFixtureText(name)) as T;
}

/** The names of every JSON fixture. */
export function alertFixtureNames(): string[] {
  return readdirSync(ALERT_FIXTURES).filter((f) => f.endsWith('.json'));
}
