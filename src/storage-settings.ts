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
  const get = (suffix: (typeof IDENTITY_SUFFIXES)[number]) => env[`${setting}${suffix}`];
  const account = get('__accountName');
  const table = get('__tableServiceUri') ?? (account ? `https://${account}.table.core.windows.net` : undefined);
  const queue = get('__queueServiceUri') ?? (account ? `https://${account}.queue.core.windows.net` : undefined);
  if (!table && !queue) return { ok: true, target: undefined };
  const problems = [
    ...(table ? [] : [`  ${setting}__tableServiceUri: needed with __queueServiceUri, or set ${setting}__accountName`]),
    ...(queue ? [] : [`  ${setting}__queueServiceUri: needed with __tableServiceUri, or set ${setting}__accountName`]),
    ...[table, queue].flatMap((uri, i) =>
      uri && !/^https:\/\/[^/\s]+\/?$/i.test(uri)
        ? [
            `  ${setting}__${i === 0 ? 'table' : 'queue'}ServiceUri: an https URL of the service, e.g. https://acct.${i === 0 ? 'table' : 'queue'}.core.windows.net`,
          ]
        : [],
    ),
    ...(get('__credential') && get('__credential')?.toLowerCase() !== 'managedidentity'
      ? [`  ${setting}__credential: only "managedidentity" is supported (or leave it unset)`]
      : []),
  ];
  if (problems.length > 0 || !table || !queue) return { ok: false, problems };
  const clientId = get('__clientId');
  return {
    ok: true,
    target: {
      kind: 'identity',
      tableServiceUri: table.replace(/\/+$/, ''),
      queueServiceUri: queue.replace(/\/+$/, ''),
      ...(clientId ? { clientId } : {}),
      ...(get('__credential') ? { credential: 'managedidentity' as const } : {}),
    },
  };
}

/** Whether any setting of an identity-based connection is set for `setting`. */
export const hasIdentitySettings = (setting: string, env: Env): boolean =>
  IDENTITY_SUFFIXES.some((s) => !!env[`${setting}${s}`]);
