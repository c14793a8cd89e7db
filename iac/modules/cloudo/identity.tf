# Identities of the ClouDO module and their roles: ClouDO's own, for the host, ClouDO, image pulls and Key Vault
# references; and the runbooks', which every runbook acts as and which reaches none of ClouDO's secrets or state.

resource "azurerm_user_assigned_identity" "this" {
  name                = "${var.name}-id"
  resource_group_name = var.resource_group_name
  location            = var.location
  tags                = var.tags
}

# The identity runbooks act as (CLOUDO_RUNBOOK_CLIENT_ID). It is assigned to the app too, so that ClouDO can get its
# tokens from the app's managed identity endpoint and hand them to runbooks through its token broker: runbooks never
# get that endpoint's header, with which they could get a token for ClouDO's identity. It holds only the roles of
# runbook_role_assignments: nothing on the storage account or the Key Vault.
resource "azurerm_user_assigned_identity" "runbook" {
  name                = "${var.name}-runbook-id"
  resource_group_name = var.resource_group_name
  location            = var.location
  tags                = var.tags
}

# Storage Blob Data Owner: the Functions host keeps its keys and singleton leases in blobs.
# Storage Queue Data Contributor: the host polls and poisons the worker and intake queues; ClouDO enqueues runs (it
#   covers the Message Processor and Message Sender roles, so those are not assigned separately).
# Storage Table Data Contributor: ClouDO reads mappings and writes execution records.
resource "azurerm_role_assignment" "storage" {
  for_each = toset([
    "Storage Blob Data Owner",
    "Storage Queue Data Contributor",
    "Storage Table Data Contributor",
  ])

  scope                = local.storage_account_id
  role_definition_name = each.value
  principal_id         = azurerm_user_assigned_identity.this.principal_id
  principal_type       = "ServicePrincipal"
}

# AcrPull: the app pulls its image with the identity instead of registry credentials.
resource "azurerm_role_assignment" "acr_pull" {
  count = var.acr_id == null ? 0 : 1

  scope                = var.acr_id
  role_definition_name = "AcrPull"
  principal_id         = azurerm_user_assigned_identity.this.principal_id
  principal_type       = "ServicePrincipal"
}

# Key Vault Secrets User: App Service resolves the @Microsoft.KeyVault(...) app settings with the identity. The vault
# is only named by its id (no data source), so it may be in another subscription than the provider's.
resource "azurerm_role_assignment" "key_vault_secrets" {
  count = var.key_vault_id == null ? 0 : 1

  scope                = var.key_vault_id
  role_definition_name = "Key Vault Secrets User"
  principal_id         = azurerm_user_assigned_identity.this.principal_id
  principal_type       = "ServicePrincipal"
}

# What runbooks may do: each `az login --identity --client-id "$AZURE_CLIENT_ID"` acts as the runbook identity.
resource "azurerm_role_assignment" "runbook" {
  for_each = {
    for assignment in var.runbook_role_assignments :
    coalesce(assignment.name, "${assignment.role}|${assignment.scope}") => assignment
  }

  scope                = each.value.scope
  role_definition_name = each.value.role
  principal_id         = azurerm_user_assigned_identity.runbook.principal_id
  principal_type       = "ServicePrincipal"
}

# Operators and pipelines that seed mappings (`cloudo schemas apply`) with their own Entra ID login. With a shared
# account, list them on one instance only: the same assignment made twice fails.
resource "azurerm_role_assignment" "mapping_operator" {
  for_each = toset(var.mapping_operator_principal_ids)

  scope                = local.storage_account_id
  role_definition_name = "Storage Table Data Contributor"
  principal_id         = each.value
}

# Services that drop run requests on the intake queue (Event Grid, Logic Apps, other Functions, batch jobs): they may
# add messages to that queue and nothing else, not read, delete or touch other queues.
resource "azurerm_role_assignment" "intake_sender" {
  for_each = toset(var.intake_sender_principal_ids)

  scope                = local.intake_queue_scope
  role_definition_name = "Storage Queue Data Message Sender"
  principal_id         = each.value

  depends_on = [azurerm_storage_queue.intake]
}
