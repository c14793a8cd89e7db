# Provider requirements of the ClouDO module.
#
# azurerm >= 4.46: azurerm_storage_queue takes storage_account_id there (Resource Manager API, no shared key).
# azapi: azurerm 4.x manages tables only through the data plane with a shared key, which this module disables,
# so the two tables are created through Resource Manager with azapi_resource.
terraform {
  required_version = ">= 1.6"

  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.46"
    }
    azapi = {
      source  = "Azure/azapi"
      version = "~> 2.0"
    }
  }
}
