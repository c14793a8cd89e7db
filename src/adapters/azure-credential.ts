// Azure credentials: the token credential an identity-based storage connection uses, as the Functions host picks it.
import { DefaultAzureCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';

export type IdentityChoice = { readonly clientId?: string; readonly credential?: 'managedidentity' };

/**
 * `credential: managedidentity` means exactly that, as for the host's own `__credential` setting; otherwise the
 * default chain (environment, workload identity, managed identity, Azure CLI…), so `az login` works on a laptop.
 */
export function azureCredential(choice: IdentityChoice): TokenCredential {
  if (choice.credential === 'managedidentity') {
    return new ManagedIdentityCredential(choice.clientId ? { clientId: choice.clientId } : {});
  }
  return new DefaultAzureCredential(choice.clientId ? { managedIdentityClientId: choice.clientId } : {});
}
