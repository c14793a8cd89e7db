# Names and app settings of the ClouDO module. The app settings are literal maps on purpose: the offline test
# (test/unit/terraform.test.ts) reads their keys and checks each against the settings ClouDO knows.

locals {
  function_app_name = coalesce(var.function_app_name, "${var.name}-func")
  elastic           = startswith(var.sku_name, "EP")

  # The storage account: created here (create_storage = true), or an existing one, e.g. another instance's
  # storage_account_id, whose name is the last segment of its resource id.
  new_storage_account_name = coalesce(var.storage_account_name, substr("${replace(var.name, "-", "")}st", 0, 24))
  storage_account_id       = var.create_storage ? one(azurerm_storage_account.this[*].id) : var.storage_account_id
  storage_account_name     = var.create_storage ? one(azurerm_storage_account.this[*].name) : try(lower(element(split("/", var.storage_account_id), 8)), null)

  # registry host, repository, tag
  image_parts = regex("^([^/]+)/([^:@]+):([^:/@]+)$", var.image)

  # ClouDO's defaults (loadConfig in src/config.ts), set explicitly so app and storage cannot drift apart.
  mappings_table   = "CloudoMappings"
  executions_table = "CloudoExecutions"
  queue_prefix     = "cloudo-"

  # queueNameForPool in src/domain/run-message.ts: lower case, runs of other characters to "-", no "-" at the ends.
  worker_queues = distinct([
    for pool in var.worker_pools :
    replace("${local.queue_prefix}${trim(replace(lower(pool), "/[^a-z0-9]+/", "-"), "-")}", "/-{2,}/", "-")
  ])
  queue_names = toset(flatten([for queue in local.worker_queues : [queue, "${queue}-poison"]]))
  # The intake queue: ClouDO's default CLOUDO_INTAKE_QUEUE, queueNameForPool(prefix, "requests"), so the app needs no
  # setting for it. Created with the account (create_storage), like the tables.
  intake_queue       = "${local.queue_prefix}requests"
  intake_queue_names = var.create_storage ? toset([local.intake_queue, "${local.intake_queue}-poison"]) : toset([])
  # Role assignment scope of the intake queue alone (Resource Manager id of the queue).
  intake_queue_scope = "${local.storage_account_id}/queueServices/default/queues/${local.intake_queue}"

  # Key Vault references by vault name, parsed from the resource id (".../providers/Microsoft.KeyVault/vaults/<name>"):
  # no lookup of the vault, so it may live in any subscription the identity can read secrets in. Versionless: App
  # Service picks up a new secret version within a day, or on restart.
  key_vault_name = var.key_vault_id == null ? null : element(split("/", var.key_vault_id), 8)
  key_vault_references = {
    for setting, secret in var.key_vault_secret_names :
    setting => "@Microsoft.KeyVault(VaultName=${local.key_vault_name};SecretName=${secret})"
    if var.key_vault_id != null
  }
}

# App settings. Three more are written by the provider from arguments of azurerm_linux_function_app, and must not
# be repeated here (the provider reads them back into those arguments, so the plan would never settle):
#   AzureWebJobsStorage__accountName      <- storage_account_name + storage_uses_managed_identity = true
#   APPLICATIONINSIGHTS_CONNECTION_STRING <- site_config.application_insights_connection_string
#   FUNCTIONS_EXTENSION_VERSION           <- functions_extension_version
locals {
  platform_settings = {
    FUNCTIONS_WORKER_RUNTIME            = "node"
    WEBSITES_ENABLE_APP_SERVICE_STORAGE = "false"
  }

  # The host and ClouDO reach storage with ClouDO's identity, also the default of the Azure SDKs and az in the app
  # (AZURE_CLIENT_ID), which ClouDO never passes to runbooks. Runbooks act as CLOUDO_RUNBOOK_CLIENT_ID instead.
  identity_settings = {
    AzureWebJobsStorage__credential = "managedidentity"
    AzureWebJobsStorage__clientId   = azurerm_user_assigned_identity.this.client_id
    AZURE_CLIENT_ID                 = azurerm_user_assigned_identity.this.client_id
    CLOUDO_RUNBOOK_CLIENT_ID        = azurerm_user_assigned_identity.runbook.client_id
  }

  cloudo_settings = {
    CLOUDO_MAPPINGS_TABLE   = local.mappings_table
    CLOUDO_EXECUTIONS_TABLE = local.executions_table
    CLOUDO_QUEUE_PREFIX     = local.queue_prefix
    CLOUDO_WORKER_POOLS     = join(",", var.worker_pools)
    CLOUDO_PUBLIC_URL       = var.public_url
    OPSGENIE_API_URL        = var.opsgenie_api_url
    APPROVAL_TTL_MIN        = tostring(var.approval_ttl_minutes)
    # easy-auth: App Service authentication signs people in (sign-in.tf) and ClouDO trusts X-MS-CLIENT-PRINCIPAL;
    # keys: no sign-in, every route takes a function key.
    CLOUDO_AUTH = var.enable_sign_in ? "easy-auth" : "keys"
    # What exactly runs, recorded on every run and shown by /api/logs: the image reference with its tag.
    CLOUDO_APP_VERSION = var.image
  }

  # Credentials: a Key Vault reference when key_vault_secret_names names one, else the sensitive variable.
  # An empty value means unset to ClouDO.
  secret_settings = {
    OPSGENIE_API_KEY        = lookup(local.key_vault_references, "OPSGENIE_API_KEY", var.opsgenie_api_key)
    APPROVAL_SECRET         = lookup(local.key_vault_references, "APPROVAL_SECRET", var.approval_secret)
    CLOUDO_CHAT_WEBHOOK_URL = lookup(local.key_vault_references, "CLOUDO_CHAT_WEBHOOK_URL", var.chat_webhook_url)
  }
}
