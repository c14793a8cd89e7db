# The basic ClouDO example: a resource group and the module, with identity-only storage.

provider "azurerm" {
  subscription_id = var.subscription_id

  # The storage account has no shared keys: should the provider ever touch its data plane, it must use Entra ID.
  storage_use_azuread = true

  features {
    storage {
      # The module manages tables and queues through Resource Manager only; the deploying identity needs no
      # data-plane role and no network path to the account.
      data_plane_available = false
    }
  }
}

provider "azapi" {
  subscription_id = var.subscription_id
}

# Entra ID, for sign-in (enable_sign_in): the tenant of the Azure CLI login, where the app registration is created.
# The login needs the right to create app registrations and assign app roles (iac/README.md, requirements).
provider "azuread" {}

resource "azurerm_resource_group" "this" {
  name     = var.resource_group_name
  location = var.location
  tags     = var.tags
}

module "cloudo" {
  source = "../../modules/cloudo"

  name                = var.name
  resource_group_name = azurerm_resource_group.this.name
  location            = azurerm_resource_group.this.location
  tags                = var.tags

  image             = var.image
  acr_id            = var.acr_id
  registry_username = var.registry_username
  registry_password = var.registry_password

  sku_name               = var.sku_name
  maximum_instance_count = var.maximum_instance_count
  worker_pools           = var.worker_pools

  public_url             = var.public_url
  opsgenie_api_url       = var.opsgenie_api_url
  opsgenie_api_key       = var.opsgenie_api_key
  approval_secret        = var.approval_secret
  approval_ttl_minutes   = var.approval_ttl_minutes
  chat_webhook_url       = var.chat_webhook_url
  key_vault_id           = var.key_vault_id
  key_vault_secret_names = var.key_vault_secret_names

  runbook_role_assignments       = var.runbook_role_assignments
  mapping_operator_principal_ids = var.mapping_operator_principal_ids
  intake_sender_principal_ids    = var.intake_sender_principal_ids
  seed_mappings                  = var.seed_mappings

  enable_sign_in   = var.enable_sign_in
  role_assignments = var.role_assignments

  create_action_group     = var.create_action_group
  action_group_short_name = var.action_group_short_name
  function_key            = var.function_key

  enable_self_alerts          = var.enable_self_alerts
  self_alert_action_group_ids = var.self_alert_action_group_ids
}
