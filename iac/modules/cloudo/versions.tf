# Provider requirements of the ClouDO module.
#
# Terraform >= 1.7: nonsensitive() of a value that may not be sensitive (action-group.tf).
# azurerm >= 4.46: 4.46.0 is the first release whose azurerm_storage_queue takes storage_account_id (Resource Manager
# API, no shared key).
# azapi, for the two tables: as of azurerm 4.46, azurerm_storage_table takes only storage_account_name and works on
# the data plane with a shared key ("Shared Key authentication will always be used"), which this module disables.
# The 4.77.0 changelog deprecates storage_account_name in favour of storage_account_id, and 5.0 removes it; the module
# still keeps azapi_resource: the 4.x release that first manages tables by storage_account_id through Resource
# Manager alone is not confirmed, and switching would replace (delete) existing tables without a state migration.
# azuread ~> 3.0, for sign-in (sign-in.tf): 3.0 names the registration's id client_id (application_id is gone) and
# has azuread_application_pre_authorized with application_id and authorized_client_id.
# See iac/README.md, requirements.
terraform {
  required_version = ">= 1.7"

  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.46"
    }
    azapi = {
      source  = "Azure/azapi"
      version = "~> 2.0"
    }
    azuread = {
      source  = "hashicorp/azuread"
      version = "~> 3.0"
    }
  }
}
