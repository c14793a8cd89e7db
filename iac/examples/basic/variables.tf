# Inputs of the basic ClouDO example; see terraform.tfvars.example. Credentials are sensitive.

variable "subscription_id" {
  description = "Subscription to deploy into."
  type        = string
}

variable "location" {
  description = "Azure region, e.g. \"westeurope\"."
  type        = string
}

variable "resource_group_name" {
  description = "Resource group the example creates for ClouDO."
  type        = string
}

variable "name" {
  description = "Prefix of every resource name, e.g. \"cloudo-prod\"."
  type        = string
}

variable "tags" {
  description = "Tags set on every resource."
  type        = map(string)
  default     = {}
}

variable "image" {
  description = "ClouDO container image with registry and tag, e.g. \"ghcr.io/org/cloudo:0.1.0\"."
  type        = string
}

variable "acr_id" {
  description = "Resource id of the Azure Container Registry holding the image, pulled with the identity; null: a public or credential-protected registry."
  type        = string
  default     = null
}

variable "registry_username" {
  description = "User name for a private non-ACR registry; null for public images or with acr_id."
  type        = string
  default     = null
}

variable "registry_password" {
  description = "Password or token for registry_username."
  type        = string
  default     = null
  sensitive   = true
}

variable "sku_name" {
  description = "App Service plan SKU: EP1 (Elastic Premium) by default; a Dedicated Linux SKU also runs the container."
  type        = string
  default     = "EP1"
}

variable "maximum_instance_count" {
  description = "Upper bound of instances the plan and app scale out to."
  type        = number
  default     = 3
}

variable "worker_pools" {
  description = "Worker pools the app consumes (CLOUDO_WORKER_POOLS)."
  type        = list(string)
  default     = ["Runbook"]
}

variable "public_url" {
  description = "CLOUDO_PUBLIC_URL; empty: the app's default host name."
  type        = string
  default     = ""
}

variable "opsgenie_api_url" {
  description = "OPSGENIE_API_URL, e.g. https://api.eu.opsgenie.com for Opsgenie EU."
  type        = string
  default     = "https://api.opsgenie.com"
}

variable "opsgenie_api_key" {
  description = "OPSGENIE_API_KEY when not taken from Key Vault; empty: nobody is paged."
  type        = string
  default     = ""
  sensitive   = true
}

variable "approval_secret" {
  description = "APPROVAL_SECRET (32+ characters) when not taken from Key Vault; empty: runs that need approval are refused."
  type        = string
  default     = ""
  sensitive   = true
}

variable "approval_ttl_minutes" {
  description = "APPROVAL_TTL_MIN: minutes an approval link works (1-10080)."
  type        = number
  default     = 60
}

variable "chat_webhook_url" {
  description = "CLOUDO_CHAT_WEBHOOK_URL (Slack or Teams incoming webhook; the URL is a credential) when not taken from Key Vault; empty: no chat messages."
  type        = string
  default     = ""
  sensitive   = true
}

variable "key_vault_id" {
  description = "Existing Key Vault (RBAC mode, any subscription) holding the credentials; null: credentials come from the variables above."
  type        = string
  default     = null
}

variable "key_vault_secret_names" {
  description = "With key_vault_id: app setting => Key Vault secret name, e.g. { OPSGENIE_API_KEY = \"cloudo-opsgenie-api-key\" }."
  type        = map(string)
  default     = {}
}

variable "runbook_role_assignments" {
  description = "Roles for the identity runbooks act as: list of { scope, role } (optionally name)."
  type = list(object({
    scope = string
    role  = string
    name  = optional(string)
  }))
  default = []
}

variable "mapping_operator_principal_ids" {
  description = "Object ids of people or pipelines that run `cloudo schemas apply` (Storage Table Data Contributor)."
  type        = list(string)
  default     = []
}

variable "intake_sender_principal_ids" {
  description = "Object ids of services (e.g. a Logic App's or Function App's managed identity) that drop run requests on the intake queue: Storage Queue Data Message Sender on that queue only."
  type        = list(string)
  default     = []
}

variable "create_action_group" {
  description = "Create the action group (needs a function key); false for a first, app-only apply, or to create the webhook yourself."
  type        = bool
  default     = true
}

variable "action_group_short_name" {
  description = "Short name of the action group (1-12 characters), shown in alert e-mails and SMS."
  type        = string
  default     = "cloudo"
}

variable "function_key" {
  description = "A function key created for the Trigger function after the first apply (see iac/README.md, key bootstrap); null: the host's default key is read, and every host key lands in the state."
  type        = string
  default     = null
  sensitive   = true
}

variable "seed_mappings" {
  description = "Optional: seed mapping files with ClouDO's CLI on every change, e.g. { cloudo_dir = \"../../..\", schemas_dir = \"../../../schemas\" } after `npm ci && npm run build` in the checkout. Needs your login in mapping_operator_principal_ids."
  type = object({
    cloudo_dir  = string
    schemas_dir = string
  })
  default = null
}

variable "enable_sign_in" {
  description = "Sign-in with Entra ID: app registration with ClouDO's roles, App Service authentication, CLOUDO_AUTH = \"easy-auth\"; false: function keys only (CLOUDO_AUTH = \"keys\")."
  type        = bool
  default     = true
}

variable "role_assignments" {
  description = "Who may do what: app role (ClouDO.Reader, ClouDO.Operator, ClouDO.Approver, ClouDO.Admin) => object ids of Entra groups, users or service principals."
  type        = map(list(string))
  default     = {}
}

variable "enable_self_alerts" {
  description = "ClouDO alerts on itself: poison messages, runs past their timeout, pages owed too long, run failure rate, the app's own errors (iac/README.md, ClouDO alerts on itself)."
  type        = bool
  default     = true
}

variable "self_alert_action_group_ids" {
  description = "Action groups (resource ids) of the people who run ClouDO, for its alerts on itself; never ClouDO's own action group."
  type        = list(string)
  default     = []
}
