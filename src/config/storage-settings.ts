// Storage settings: a connection string, or an identity-based connection (`<setting>__accountName` and friends).

/** Where storage is and how to reach it: with a key in a connection string, or with an Azure identity. */
export type StorageTarget =
  | { readonly kind: 'connection-string'; readonly connectionString: string }
  | {
      readonly kind: 'identity';
      readonly tableServiceUri: string;
      readonly queueServiceUri: string;
      /** A user-assigned managed identity's client id; unset: the system-assigned identity or developer login. */
      readonly clientId?: string;
      /** `managedidentity`: only a managed identity; unset: DefaultAzureCredential's chain. */
      readonly credential?: 'managedidentity';
    };

/** The setting names an identity-based connection reads, as the Functions host names them. */
export const IDENTITY_SUFFIXES = [
  '__accountName',
  '__tableServiceUri',
  '__queueServiceUri',
  '__blobServiceUri',
  '__credential',
  '__clientId',
] as const;

type Env = Readonly<Record<string, string | undefined>>;

export type StorageResolution =
  | { readonly ok: true; readonly target: StorageTarget | undefined }
  | { readonly ok: false; readonly problems: readonly string[] };

/** The storage behind one setting name (e.g. AzureWebJobsStorage): a plain value wins over the `__` settings. */
export function resolveStorage(setting: string, env: Env): StorageResolution {
  const plain = env[setting];
  if (plain) return { ok: true, target: { kind: 'connection-string', connectionString: plain } };
  if (!hasIdentitySettings(setting, env)) return { ok: true, target: undefined };
  const get = (suffix: (typeof IDENTITY_SUFFIXES)[number]) => env[`${setting}${suffix}`];
  const account = get('__accountName');
  const uris = {
    table: get('__tableServiceUri') ?? (account ? `https://${account}.table.core.windows.net` : undefined),
    queue: get('__queueServiceUri') ?? (account ? `https://${account}.queue.core.windows.net` : undefined),
  };
  const problems = identityProblems(setting, env, uris);
  if (problems.length > 0 || !uris.table || !uris.queue) return { ok: false, problems };
  const clientId = get('__clientId');
  return {
    ok: true,
    target: {
      kind: 'identity',
      tableServiceUri: uris.table.replace(/\/+$/, ''),
      queueServiceUri: uris.queue.replace(/\/+$/, ''),
      ...(clientId ? { clientId } : {}),
      ...(get('__credential') ? { credential: 'managedidentity' as const } : {}),
    },
  };
}

const ACCOUNT_NAME = /^[a-z0-9]{3,24}$/;

// Every `__` setting must add up to a connection: a stray __clientId alone would otherwise leave storage unset.
function identityProblems(
  setting: string,
  env: Env,
  uris: { table?: string | undefined; queue?: string | undefined },
): string[] {
  const account = env[`${setting}__accountName`];
  const line = (suffix: string, text: string) => `  ${setting}${suffix}: ${text}`;
  const problems: string[] = [];
  if (account !== undefined && !ACCOUNT_NAME.test(account))
    problems.push(line('__accountName', 'a storage account name: 3-24 lower-case letters and digits'));
  if (!account && !uris.table && !uris.queue)
    problems.push(
      line('__accountName', 'needed (or __tableServiceUri and __queueServiceUri) with the other __ settings'),
    );
  else if (!account) {
    if (!uris.table) problems.push(line('__tableServiceUri', 'needed with __queueServiceUri, or set __accountName'));
    if (!uris.queue) problems.push(line('__queueServiceUri', 'needed with __tableServiceUri, or set __accountName'));
    // The Functions host keeps its keys and timer locks in blobs: without an account name it needs the blob URI too.
    if (setting === 'AzureWebJobsStorage' && !env[`${setting}__blobServiceUri`])
      problems.push(line('__blobServiceUri', 'needed by the Functions host with service URIs, or set __accountName'));
  }
  for (const [kind, uri] of Object.entries(uris))
    if (uri && !/^https:\/\/[^/\s]+\/?$/i.test(uri))
      problems.push(
        line(`__${kind}ServiceUri`, `an https URL of the service, e.g. https://acct.${kind}.core.windows.net`),
      );
  const credential = env[`${setting}__credential`];
  if (credential && credential.toLowerCase() !== 'managedidentity')
    problems.push(line('__credential', 'only "managedidentity" is supported (or leave it unset)'));
  return problems;
}

/** Whether any setting of an identity-based connection is set for `setting`. */
export const hasIdentitySettings = (setting: string, env: Env): boolean =>
  IDENTITY_SUFFIXES.some((s) => !!env[`${setting}${s}`]);
