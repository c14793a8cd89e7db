// Azure credentials: the token credential an identity-based storage connection uses, as the Functions host picks it,
// and the runbook identity's, which ClouDO's token broker gets runbooks' tokens with.
import {
  DefaultAzureCredential,
  ManagedIdentityCredential,
  WorkloadIdentityCredential,
  type TokenCredential,
} from '@azure/identity';

export type IdentityChoice = { readonly clientId?: string; readonly credential?: 'managedidentity' };

/**
 * `credential: managedidentity` means exactly that, as for the host's own `__credential` setting; otherwise the
 * default chain (environment, workload identity, managed identity, Azure CLI…), so `az login` works on a laptop.
 */
export function createAzureCredential(choice: IdentityChoice): TokenCredential {
  if (choice.credential === 'managedidentity') {
    return new ManagedIdentityCredential(choice.clientId ? { clientId: choice.clientId } : {});
  }
  return new DefaultAzureCredential(choice.clientId ? { managedIdentityClientId: choice.clientId } : {});
}

/**
 * The runbook identity and nothing else: no chain, so a missing role or assignment is an error, never another
 * identity's token. On Kubernetes the pod's federated token (AZURE_FEDERATED_TOKEN_FILE, AZURE_TENANT_ID, which the
 * SDK reads) is exchanged for it; elsewhere the app's managed identity endpoint gives it.
 */
export function createRunbookCredential(clientId: string, source: 'workload' | 'managed'): TokenCredential {
  return source === 'workload'
    ? new WorkloadIdentityCredential({ clientId })
    : new ManagedIdentityCredential({ clientId });
}
