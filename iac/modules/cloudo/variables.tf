# Inputs of the ClouDO module. Credentials are sensitive and never leave the module as outputs.

variable "name" {
  description = "Prefix of every resource name, e.g. \"cloudo-prod\": 2-24 lower-case letters, digits and dashes."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,23}$", var.name))
    error_message = "name: 2-24 lower-case letters, digits and dashes, starting with a letter."
  }
}

variable "resource_group_name" {
  description = "Existing resource group that receives every resource of the module."
  type        = string
}

variable "location" {
  description = "Azure region, e.g. \"westeurope\"."
  type        = string
}

variable "tags" {
  description = "Tags set on every resource that takes tags."
  type        = map(string)
  default     = {}
}

variable "function_app_name" {
  description = "Name of the Function App (globally unique, part of its host name); null: \"<name>-func\"."
  type        = string
  default     = null
}

variable "storage_account_name" {
  description = "Name of the storage account the module creates (globally unique, 3-24 lower-case letters and digits); null: <name> without dashes + \"st\". Unset with create_storage = false."
  type        = string
  default     = null

  validation {
    condition     = var.storage_account_name == null || can(regex("^[a-z0-9]{3,24}$", var.storage_account_name))
    error_message = "storage_account_name: 3-24 lower-case letters and digits."
  }
}

variable "create_storage" {
  description = "Create the storage account and ClouDO's tables. false: use the existing account storage_account_id (e.g. another instance's storage_account_id output, for a worker pool on an app of its own); only this instance's worker queues are created there."
  type        = bool
  default     = true
}

variable "storage_account_id" {
  description = "With create_storage = false: resource id of the existing storage account (shared keys off) whose tables this app uses and where its worker queues are created. null with create_storage = true."
  type        = string
  default     = null

  validation {
    condition     = var.storage_account_id == null || can(regex("(?i)^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\\.Storage/storageAccounts/[a-z0-9]{3,24}$", var.storage_account_id))
    error_message = "storage_account_id: a storage account resource id (/subscriptions/…/resourceGroups/…/providers/Microsoft.Storage/storageAccounts/<name>)."
  }
}

variable "storage_replication_type" {
  description = "Replication of the storage account: LRS, ZRS, GRS, GZRS, RAGRS or RAGZRS."
  type        = string
  default     = "LRS"

  validation {
    condition     = contains(["LRS", "ZRS", "GRS", "GZRS", "RAGRS", "RAGZRS"], var.storage_replication_type)
    error_message = "storage_replication_type: one of LRS, ZRS, GRS, GZRS, RAGRS, RAGZRS."
  }
}

variable "image" {
  description = "Container image with its registry and tag, e.g. \"ghcr.io/org/cloudo:0.1.0\" or \"myacr.azurecr.io/cloudo:0.1.0\"."
  type        = string

  validation {
    condition     = can(regex("^[^/:]+(:[0-9]+)?/[^:@]+:[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$", var.image))
    error_message = "image: <registry host>/<repository>:<tag>, e.g. ghcr.io/org/cloudo:0.1.0 (digests are not supported)."
  }
}

variable "acr_id" {
  description = "Resource id of an Azure Container Registry holding the image: the identity gets AcrPull on it and pulls with it. null: no ACR."
  type        = string
  default     = null
}

variable "registry_username" {
  description = "User name for a private registry that is not an ACR (e.g. ghcr.io); null for public images or with acr_id."
  type        = string
  default     = null
}

variable "registry_password" {
  description = "Password or token for registry_username; null for public images or with acr_id."
  type        = string
  default     = null
  sensitive   = true
}

variable "sku_name" {
  description = "App Service plan SKU. Elastic Premium (EP1-EP3) or a Dedicated Linux SKU (B1-B3, S1-S3, P*v2/v3); Consumption (Y1, FC1) does not run custom containers."
  type        = string
  default     = "EP1"

  validation {
    condition     = can(regex("^(EP[1-3]|B[1-3]|S[1-3]|P[0-9]m?v[2-4])$", var.sku_name))
    error_message = "sku_name: EP1-EP3, B1-B3, S1-S3 or a P*v2/v3/v4 SKU; Consumption plans cannot run custom containers."
  }
}

variable "maximum_instance_count" {
  description = "Upper bound of instances: the Elastic Premium plan's maximum_elastic_worker_count and the app's scale limit (ignored on Dedicated plans)."
  type        = number
  default     = 3

  validation {
    condition     = var.maximum_instance_count >= 1 && var.maximum_instance_count <= 100 && floor(var.maximum_instance_count) == var.maximum_instance_count
    error_message = "maximum_instance_count: a whole number from 1 to 100."
  }
}

variable "worker_pools" {
  description = "Worker pools this app consumes (CLOUDO_WORKER_POOLS); one queue cloudo-<pool> and its -poison twin per pool."
  type        = list(string)
  default     = ["Runbook"]

  validation {
    condition     = length(var.worker_pools) > 0 && alltrue([for pool in var.worker_pools : can(regex("^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$", pool))])
    error_message = "worker_pools: at least one pool; each 1-32 letters, digits, _ or -, starting with a letter or digit."
  }
}

variable "log_retention_days" {
  description = "Days the Log Analytics workspace keeps logs (30-730)."
  type        = number
  default     = 30

  validation {
    condition     = var.log_retention_days >= 30 && var.log_retention_days <= 730
    error_message = "log_retention_days: 30 to 730."
  }
}

variable "public_url" {
  description = "CLOUDO_PUBLIC_URL: base of links in pages and approval answers, e.g. https://cloudo.example.com; empty: the app's default host name."
  type        = string
  default     = ""
}

variable "opsgenie_api_url" {
  description = "OPSGENIE_API_URL: https://api.opsgenie.com, https://api.eu.opsgenie.com or https://api.atlassian.com/jsm/ops/integration."
  type        = string
  default     = "https://api.opsgenie.com"
}

variable "opsgenie_api_key" {
  description = "OPSGENIE_API_KEY when it is not a Key Vault reference; empty: nobody is paged."
  type        = string
  default     = ""
  sensitive   = true
}

variable "approval_secret" {
  description = "APPROVAL_SECRET (32+ characters, e.g. `openssl rand -hex 32`) when it is not a Key Vault reference; empty: runs that need approval are refused."
  type        = string
  default     = ""
  sensitive   = true

  validation {
    condition     = length(var.approval_secret) == 0 || length(var.approval_secret) >= 32
    error_message = "approval_secret: empty or at least 32 characters."
  }
}

variable "approval_ttl_minutes" {
  description = "APPROVAL_TTL_MIN: minutes an approval link works (1-10080)."
  type        = number
  default     = 60

  validation {
    condition     = var.approval_ttl_minutes >= 1 && var.approval_ttl_minutes <= 10080
    error_message = "approval_ttl_minutes: 1 to 10080."
  }
}

variable "chat_webhook_url" {
  description = "CLOUDO_CHAT_WEBHOOK_URL (Slack or Teams incoming webhook; its URL is a credential) when it is not a Key Vault reference; empty: no chat messages."
  type        = string
  default     = ""
  sensitive   = true
}

variable "key_vault_id" {
  description = "Resource id of an existing Key Vault (RBAC mode, any subscription) holding ClouDO's credentials; the identity gets Key Vault Secrets User on it and the settings reference it by name. null: credentials come from the sensitive variables."
  type        = string
  default     = null

  validation {
    condition     = var.key_vault_id == null || can(regex("(?i)^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\\.KeyVault/vaults/[^/]+$", var.key_vault_id))
    error_message = "key_vault_id: a Key Vault resource id (/subscriptions/…/resourceGroups/…/providers/Microsoft.KeyVault/vaults/<name>)."
  }
}

variable "key_vault_secret_names" {
  description = "With key_vault_id: app setting => name of the Key Vault secret it references, for OPSGENIE_API_KEY, APPROVAL_SECRET and CLOUDO_CHAT_WEBHOOK_URL. Settings not listed take the sensitive variables."
  type        = map(string)
  default     = {}

  validation {
    condition = alltrue([
      for setting, secret in var.key_vault_secret_names :
      contains(["OPSGENIE_API_KEY", "APPROVAL_SECRET", "CLOUDO_CHAT_WEBHOOK_URL"], setting) && can(regex("^[0-9A-Za-z-]{1,127}$", secret))
    ])
    error_message = "key_vault_secret_names: keys among OPSGENIE_API_KEY, APPROVAL_SECRET, CLOUDO_CHAT_WEBHOOK_URL; values Key Vault secret names (letters, digits, dashes)."
  }
}

variable "runbook_role_assignments" {
  description = "Roles the runbook identity (which every runbook acts as) gets, e.g. { scope = <AKS cluster id>, role = \"Azure Kubernetes Service Cluster User Role\" }. Give a name when scope is unknown until apply."
  type = list(object({
    scope = string
    role  = string
    name  = optional(string)
  }))
  default = []
}

variable "mapping_operator_principal_ids" {
  description = "Object ids of people or pipelines that seed mappings with `cloudo schemas apply`: they get Storage Table Data Contributor on the account."
  type        = list(string)
  default     = []
}

variable "intake_sender_principal_ids" {
  description = "Object ids of services that drop run requests on the intake queue (cloudo-requests), e.g. a Logic App's or another Function App's managed identity: each gets Storage Queue Data Message Sender on that queue only. Only with create_storage = true: the instance that creates the account owns the intake queue."
  type        = list(string)
  default     = []
}

variable "create_action_group" {
  description = "Create the action group, which needs a function key (function_key, or the host's default key): false for a first apply that only deploys the app, or to create the webhook yourself (see iac/README.md, key bootstrap)."
  type        = bool
  default     = true
}

variable "function_key" {
  description = "A function key the Trigger function accepts (e.g. one created with `az functionapp function keys set ... --function-name Trigger --key-name cloudo-alerts`), for the action group's webhook and trigger_url. null: the host's default function key is read, which puts every host key, the master key included, into the Terraform state (see iac/README.md, key bootstrap)."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = var.function_key == null || can(regex("^[^\\s]+$", var.function_key))
    error_message = "function_key: null, or a key without blanks."
  }
}

variable "action_group_short_name" {
  description = "Short name of the action group (1-12 characters), shown in alert e-mails and SMS."
  type        = string
  default     = "cloudo"

  validation {
    condition     = length(var.action_group_short_name) >= 1 && length(var.action_group_short_name) <= 12
    error_message = "action_group_short_name: 1-12 characters."
  }
}

variable "seed_mappings" {
  description = "Optional: apply mapping files to the account with ClouDO's own CLI on every change of the files. cloudo_dir is a checkout of ClouDO where `npm ci && npm run build` has run; schemas_dir holds the mapping files (*.json). It runs `node dist/src/cli/main.js schemas apply` where Terraform runs, as the Azure CLI login (DefaultAzureCredential), which needs Storage Table Data Contributor: list it in mapping_operator_principal_ids. null: seed with the CLI yourself."
  type = object({
    cloudo_dir  = string
    schemas_dir = string
  })
  default = null
}

variable "enable_sign_in" {
  description = "Sign-in with Microsoft Entra ID: an app registration with ClouDO's app roles, App Service authentication on the app (people sign in, approvers too; /api/Trigger and /api/health stay reachable without it), and CLOUDO_AUTH = \"easy-auth\". false: no registration, no App Service authentication, CLOUDO_AUTH = \"keys\" (every route takes a function key). See iac/README.md, sign-in and roles."
  type        = bool
  default     = true
}

variable "role_assignments" {
  description = "Who may do what, with enable_sign_in: app role => object ids of Entra groups, users or service principals (e.g. a CI pipeline's) that get it. Roles: ClouDO.Reader, ClouDO.Operator, ClouDO.Approver, ClouDO.Admin. The ids must be known at plan time."
  type        = map(list(string))
  default     = {}

  validation {
    condition     = alltrue([for role in keys(var.role_assignments) : contains(["ClouDO.Reader", "ClouDO.Operator", "ClouDO.Approver", "ClouDO.Admin"], role)])
    error_message = "role_assignments: keys among ClouDO.Reader, ClouDO.Operator, ClouDO.Approver, ClouDO.Admin."
  }

  validation {
    condition     = alltrue(flatten([for ids in values(var.role_assignments) : [for id in ids : can(regex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", id))]]))
    error_message = "role_assignments: each principal is an Entra object id (a GUID) of a group, user or service principal."
  }
}

variable "enable_self_alerts" {
  description = "ClouDO alerts on itself (self-alerts.tf): poison messages, stuck runs, pages owed too long, run failure rate, the Function App's exceptions and 5xx answers, routed to self_alert_action_group_ids. See iac/README.md, ClouDO alerts on itself."
  type        = bool
  default     = true
}

variable "self_alert_action_group_ids" {
  description = "Resource ids of the action groups that receive ClouDO's alerts on itself: the operators' (e-mail, SMS, another pager), never ClouDO's own action group (action_group_id), which would post ClouDO's failures back into ClouDO; the plan fails if it is listed. Empty: the alerts fire in Azure Monitor and notify nobody."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for id in var.self_alert_action_group_ids : can(regex("(?i)^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\\.Insights/actionGroups/[^/]+$", id))])
    error_message = "self_alert_action_group_ids: action group resource ids (/subscriptions/…/resourceGroups/…/providers/Microsoft.Insights/actionGroups/<name>)."
  }
}

variable "self_alert_failure_rate" {
  description = "Self-alert on runs: the share of runs ended in the last hour that failed, timed out or erred (cloudo.runs.finished) above which it fires, e.g. 0.2 for 20%."
  type        = number
  default     = 0.2

  validation {
    condition     = var.self_alert_failure_rate > 0 && var.self_alert_failure_rate < 1
    error_message = "self_alert_failure_rate: a fraction between 0 and 1 (exclusive), e.g. 0.2."
  }
}

variable "self_alert_failure_min_runs" {
  description = "Self-alert on runs: the failure rate counts only when at least this many runs ended in the last hour (1-10000)."
  type        = number
  default     = 10

  validation {
    condition     = var.self_alert_failure_min_runs >= 1 && var.self_alert_failure_min_runs <= 10000 && floor(var.self_alert_failure_min_runs) == var.self_alert_failure_min_runs
    error_message = "self_alert_failure_min_runs: a whole number from 1 to 10000."
  }
}

variable "self_alert_page_owed_seconds" {
  description = "Self-alert on pages: fires when the oldest page ClouDO owes (cloudo.pages.oldest_owed_seconds) is older than this many seconds (60-86400)."
  type        = number
  default     = 600

  validation {
    condition     = var.self_alert_page_owed_seconds >= 60 && var.self_alert_page_owed_seconds <= 86400
    error_message = "self_alert_page_owed_seconds: 60 to 86400."
  }
}

variable "self_alert_error_threshold" {
  description = "Self-alerts on the Function App's own errors: fire above this many exceptions (Application Insights) or HTTP 5xx answers (the app's front end) in 15 minutes (0-10000)."
  type        = number
  default     = 5

  validation {
    condition     = var.self_alert_error_threshold >= 0 && var.self_alert_error_threshold <= 10000 && floor(var.self_alert_error_threshold) == var.self_alert_error_threshold
    error_message = "self_alert_error_threshold: a whole number from 0 to 10000."
  }
}

variable "enable_workbook" {
  description = "The Azure Monitor workbook of ClouDO's runs, latency, pages and queues (workbook.tf, from workbook.json.tftpl), on the module's Application Insights."
  type        = bool
  default     = true
}
