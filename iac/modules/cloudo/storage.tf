# Storage of the ClouDO module: one account without shared keys, ClouDO's two tables and a queue pair per worker pool.
# Everything is created through Resource Manager, so Terraform needs no data-plane access to the account.
#
# With create_storage = false the module uses an existing account (storage_account_id), e.g. the one another instance
# of this module created: that instance owns the account and the tables; this one only adds the queues of its own
# worker_pools (see iac/README.md, worker pools).

resource "azurerm_storage_account" "this" {
  count = var.create_storage ? 1 : 0

  name                     = local.new_storage_account_name
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

# The account had no count before create_storage: keep existing deployments' account (and its tables and queues).
moved {
  from = azurerm_storage_account.this
  to   = azurerm_storage_account.this[0]
}

# Tables through Resource Manager (see versions.tf for why not azurerm_storage_table).
resource "azapi_resource" "table" {
  for_each = var.create_storage ? toset([local.mappings_table, local.executions_table]) : toset([])

  type      = "Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01"
  name      = each.value
  parent_id = "${local.storage_account_id}/tableServices/default"
  body = {
    properties = {}
  }
}

# Worker queues and their poison twins (the host moves a message there after maxDequeueCount failures).
resource "azurerm_storage_queue" "this" {
  for_each = local.queue_names

  name               = each.value
  storage_account_id = local.storage_account_id
}

# The intake queue, where other services drop run requests for the Intake function, and its poison twin. Like the
# tables, it belongs to the account: created only with create_storage (a second instance shares the first's).
resource "azurerm_storage_queue" "intake" {
  for_each = local.intake_queue_names

  name               = each.value
  storage_account_id = local.storage_account_id
}
