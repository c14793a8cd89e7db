// Operator CLI settings: where a running ClouDO answers (CLOUDO_URL) and the function key to send it (CLOUDO_KEY).
import { z } from 'zod';
import type { Environment } from './environment';
import { ConfigError } from './load-config';

/** The local runtime's address: `cloudo run test` works against `npm start` with no setting at all. */
export const DEFAULT_CLOUDO_URL = 'http://localhost:7071';

export type OperatorSettings = {
  /** The app's base URL, without a trailing slash, e.g. https://cloudo-prod.azurewebsites.net. */
  readonly url: string;
  /** Sent as x-functions-key; from the environment only, never from the command line, where `ps` would show it. */
  readonly key: string | undefined;
  /**
   * Sent as a bearer token to a ClouDO with Entra sign-in (CLOUDO_TOKEN), e.g. from
   * `az account get-access-token --resource api://<app>`: people's routes need it there, Trigger takes the key.
   */
  readonly token: string | undefined;
  /** Who decides an approval without App Service sign-in: the login name (USER, USERNAME), else `cli`. */
  readonly user: string;
};

const url = z
  .url({ protocol: /^https?$/, message: 'an http(s) URL such as https://<app>.azurewebsites.net' })
  .transform((u) => u.replace(/\/+$/, ''));

/** `urlFlag` (--url) wins over CLOUDO_URL. Throws ConfigError naming the setting. */
export function loadOperatorSettings(urlFlag?: string, env: Environment = process.env): OperatorSettings {
  const raw = urlFlag ?? env['CLOUDO_URL'] ?? DEFAULT_CLOUDO_URL;
  const parsed = url.safeParse(raw);
  if (!parsed.success) {
    const where = urlFlag === undefined ? 'CLOUDO_URL' : '--url';
    throw new ConfigError(`${where}: ${parsed.error.issues[0]?.message ?? 'invalid'}, not "${raw.slice(0, 80)}"`);
  }
  const key = env['CLOUDO_KEY']?.trim();
  const token = env['CLOUDO_TOKEN']?.trim();
  return {
    url: parsed.data,
    key: key ? key : undefined,
    token: token ? token : undefined,
    user: env['USER'] ?? env['USERNAME'] ?? 'cli',
  };
}
