# Storage of the ClouDO module: one account without shared keys, ClouDO's two tables and a queue pair per worker pool.
# Everything is created through Resource Manager, so Terraform needs no data-plane access to the account.

resource "azurerm_storage_account" "this" {
  name                     = local.storage_account_name
  resource_group_name      = var.resource_group_name
  location                 = var.location
  account_kind             = "StorageV2"
  account_tier             = "Standard"
  account_replication_type = var.storage_replication_type

  # No keys: the host, ClouDO, operators and Terraform all use Entra ID identities.
  shared_access_key_enabled       = false
  default_to_oauth_authentication = true
  https_traffic_only_enabled      = true
  min_tls_version                 = "TLS1_2"
  allow_nested_items_to_be_public = false

  tags = var.tags
}

resource "azapi_resource" "table" {
  for_each = toset([local.mappings_table, local.executions_table])

  type      = "Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01"
  name      = each.value
  parent_id = "${azurerm_storage_account.this.id}/tableServices/default"
  body = {
    properties = {}
  }
}

# Worker queues and their poison twins (the host moves a message there after maxDequeueCount failures).
# The intake queue (cloudo-requests and cloudo-requests-poison) comes with its own work item; it is not created here.
resource "azurerm_storage_queue" "this" {
  for_each = local.queue_names

  name               = each.value
  storage_account_id = azurerm_storage_account.this.id
}
