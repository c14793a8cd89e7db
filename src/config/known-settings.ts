// Known settings: whether ClouDO reads an app setting of a given name, for checking what deployments set.
import { SETTING_NAMES } from './load-config';
import { IDENTITY_SUFFIXES } from './storage-settings';

const STORAGE_SETTINGS = ['AzureWebJobsStorage', 'CLOUDO_STORAGE_CONNECTION'];

export function isKnownSetting(name: string): boolean {
  if (SETTING_NAMES.includes(name)) return true;
  if (/^OPSGENIE_API_KEY_[A-Z0-9_]+$/.test(name)) return true;
  const at = name.indexOf('__');
  if (at < 0) return false;
  return (
    STORAGE_SETTINGS.includes(name.slice(0, at)) && (IDENTITY_SUFFIXES as readonly string[]).includes(name.slice(at))
  );
}
