# Outputs of the ClouDO module. No credential is an output; the trigger URL carries a function key and is sensitive.

output "app_url" {
  description = "Base URL of the Function App, e.g. https://cloudo-prod-func.azurewebsites.net."
  value       = local.app_url
}

output "trigger_url" {
  description = "The Trigger endpoint with a function key (?code=...): what alert senders such as Alertmanager post to. The key is function_key, or the host's default function key with the action group; null when neither is there."
  value       = local.trigger_url
  sensitive   = true
}

output "action_group_id" {
  description = "Id of the action group to attach to alert rules; null with create_action_group = false."
  value       = one(azurerm_monitor_action_group.this[*].id)
}

output "identity_client_id" {
  description = "Client id of ClouDO's own identity (AZURE_CLIENT_ID of the app): storage, Key Vault references, image pulls. Runbooks never act as it."
  value       = azurerm_user_assigned_identity.this.client_id
}

output "identity_principal_id" {
  description = "Object id of ClouDO's own identity, for role assignments ClouDO itself needs made outside the module."
  value       = azurerm_user_assigned_identity.this.principal_id
}

output "runbook_identity_client_id" {
  description = "Client id of the identity runbooks act as (CLOUDO_RUNBOOK_CLIENT_ID; AZURE_CLIENT_ID in a runbook)."
  value       = azurerm_user_assigned_identity.runbook.client_id
}

output "runbook_identity_principal_id" {
  description = "Object id of the identity runbooks act as, for their role assignments made outside the module."
  value       = azurerm_user_assigned_identity.runbook.principal_id
}

output "storage_account_name" {
  description = "Name of the storage account (AzureWebJobsStorage__accountName), e.g. for `cloudo schemas apply`."
  value       = local.storage_account_name
}

output "storage_account_id" {
  description = "Resource id of the storage account: storage_account_id of another instance (create_storage = false) that runs more worker pools as an app of its own."
  value       = local.storage_account_id
}

output "function_app_name" {
  description = "Name of the Function App."
  value       = azurerm_linux_function_app.this.name
}

output "queue_names" {
  description = "Queues created: cloudo-<pool> and cloudo-<pool>-poison per worker pool."
  value       = sort(local.queue_names)
}

output "intake_queue_name" {
  description = "The intake queue (ClouDO's default CLOUDO_INTAKE_QUEUE), where services drop run requests; failed messages go to <name>-poison. Created by the instance with create_storage = true."
  value       = local.intake_queue
}

output "sign_in_client_id" {
  description = "Client id (application id) of ClouDO's Entra app registration, the audience of ClouDO's tokens; null with enable_sign_in = false."
  value       = one(azuread_application.this[*].client_id)
}

output "sign_in_identifier_uri" {
  description = "Identifier URI of ClouDO's app registration (api://<name>): the resource CLIs and scripts get tokens for; null with enable_sign_in = false."
  value       = var.enable_sign_in ? local.sign_in_identifier_uri : null
}

output "sign_in_token_command" {
  description = "How a signed-in user or pipeline gets a token for ClouDO's API (send it as Authorization: Bearer <token>); null with enable_sign_in = false."
  value       = var.enable_sign_in ? "az account get-access-token --resource ${local.sign_in_identifier_uri} --query accessToken -o tsv" : null
}

output "self_alert_rule_ids" {
  description = "Ids of ClouDO's alert rules on itself, by rule: poison_messages, runs_overdue, pages_owed, run_failure_rate (log search alerts), function_exceptions, http_5xx (metric alerts); empty with enable_self_alerts = false."
  value = merge(
    { for rule, alert in azurerm_monitor_scheduled_query_rules_alert_v2.this : rule => alert.id },
    { for rule, alert in azurerm_monitor_metric_alert.this : rule => alert.id },
  )
}

output "workbook_id" {
  description = "Resource id of the ClouDO workbook; null with enable_workbook = false."
  value       = one(azurerm_application_insights_workbook.this[*].id)
}

output "workbook_url" {
  description = "The ClouDO workbook in the Azure portal; null with enable_workbook = false."
  value       = one([for id in azurerm_application_insights_workbook.this[*].id : "https://portal.azure.com/#resource${id}"])
}
