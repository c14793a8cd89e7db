# Outputs of the basic ClouDO example, passed through from the module.

output "app_url" {
  description = "Base URL of the Function App."
  value       = module.cloudo.app_url
}

output "trigger_url" {
  description = "Trigger endpoint with the function key: `terraform output -raw trigger_url`."
  value       = module.cloudo.trigger_url
  sensitive   = true
}

output "action_group_id" {
  description = "Action group to attach to alert rules."
  value       = module.cloudo.action_group_id
}

output "identity_client_id" {
  description = "Client id of ClouDO's own identity (storage, Key Vault, image pulls); runbooks never act as it."
  value       = module.cloudo.identity_client_id
}

output "runbook_identity_client_id" {
  description = "Client id of the identity runbooks act as (AZURE_CLIENT_ID in a runbook)."
  value       = module.cloudo.runbook_identity_client_id
}

output "storage_account_name" {
  description = "Storage account, for `cloudo schemas apply` (AzureWebJobsStorage__accountName)."
  value       = module.cloudo.storage_account_name
}

output "intake_queue_name" {
  description = "Queue where services drop run requests (intake_sender_principal_ids may send to it)."
  value       = module.cloudo.intake_queue_name
}

output "sign_in_client_id" {
  description = "Client id of ClouDO's Entra app registration; null without sign-in."
  value       = module.cloudo.sign_in_client_id
}

output "sign_in_identifier_uri" {
  description = "The resource to get tokens for (api://<name>); null without sign-in."
  value       = module.cloudo.sign_in_identifier_uri
}

output "sign_in_token_command" {
  description = "The Azure CLI command that prints a token for ClouDO's API, for Authorization: Bearer; null without sign-in."
  value       = module.cloudo.sign_in_token_command
}

output "self_alert_rule_ids" {
  description = "ClouDO's alert rules on itself, by rule; empty with enable_self_alerts = false."
  value       = module.cloudo.self_alert_rule_ids
}

output "workbook_url" {
  description = "The ClouDO workbook (runs, latency, pages, queues) in the Azure portal."
  value       = module.cloudo.workbook_url
}
