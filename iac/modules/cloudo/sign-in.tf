# Sign-in with Microsoft Entra ID (enable_sign_in): an app registration with ClouDO's four app roles, its service
# principal, the roles given to groups and principals (role_assignments), and the Azure CLI pre-authorized to get
# tokens for it. The function app's auth_settings_v2 (app.tf) uses this registration; see iac/README.md, sign-in and
# roles. Nothing here exists with enable_sign_in = false.

locals {
  # ClouDO's roles (issue 14, "Who may do what"). The value is the `roles` claim ClouDO reads; the ids are fixed so
  # that a role keeps its id, and with it every assignment, whatever else changes. Never reuse or change an id.
  app_roles = {
    "ClouDO.Reader" = {
      id           = "3b6cc904-ab44-4c86-be98-b3817ccde527"
      display_name = "ClouDO Reader"
      description  = "Read mappings, executions, run output and schedules."
    }
    "ClouDO.Operator" = {
      id           = "1dfa4a63-64ff-4ad6-8f88-5042be4f43c6"
      display_name = "ClouDO Operator"
      description  = "Everything a Reader may, and run manual triggers and cancel runs."
    }
    "ClouDO.Approver" = {
      id           = "00baf473-a8d1-4b0d-b3ef-f8eecd4db42e"
      display_name = "ClouDO Approver"
      description  = "Everything a Reader may, and approve or reject runs that wait for approval."
    }
    "ClouDO.Admin" = {
      id           = "7512dd36-89bf-48e6-b51e-9863b681e9b6"
      display_name = "ClouDO Admin"
      description  = "Everything."
    }
  }

  # The delegated scope a person's token carries (scp) when a client such as the Azure CLI asks for one.
  user_impersonation_scope_id = "eb4aa56b-bf01-42ee-b50d-8bd60cc1ff85"
  # The Azure CLI's well-known client id: pre-authorized, so `az account get-access-token --resource <uri>` needs no
  # consent prompt.
  azure_cli_client_id = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"

  sign_in_identifier_uri = "api://${var.name}"
  # Where Entra sends a browser back after sign-in: the app's default host name (known before the app exists, so no
  # cycle between app and registration) and public_url, when ClouDO is reached by another name.
  sign_in_redirect_uris = distinct(compact([
    "https://${local.function_app_name}.azurewebsites.net/.auth/login/aad/callback",
    var.public_url == "" ? "" : "${trimsuffix(var.public_url, "/")}/.auth/login/aad/callback",
  ]))

  # role_assignments as one entry per (role, principal), keyed so that adding a principal replaces nothing else.
  role_assignment_pairs = {
    for pair in flatten([
      for role, principal_ids in var.role_assignments : [
        for principal_id in principal_ids : { role = role, principal_id = principal_id }
      ]
    ]) : "${pair.role}|${pair.principal_id}" => pair
  }
}

# The deploying identity: its tenant is the one users sign in to, and it owns the registration it creates.
data "azuread_client_config" "current" {
  count = var.enable_sign_in ? 1 : 0
}

resource "azuread_application" "this" {
  count = var.enable_sign_in ? 1 : 0

  display_name     = var.name
  sign_in_audience = "AzureADMyOrg"
  identifier_uris  = [local.sign_in_identifier_uri]
  owners           = [data.azuread_client_config.current[0].object_id]

  # The four roles, for people (User: users and groups) and for pipelines (Application: service principals of CI,
  # which get the role in their client-credentials token).
  dynamic "app_role" {
    for_each = local.app_roles
    content {
      allowed_member_types = ["User", "Application"]
      description          = app_role.value.description
      display_name         = app_role.value.display_name
      enabled              = true
      id                   = app_role.value.id
      value                = app_role.key
    }
  }

  api {
    # v2 access tokens: issued by https://login.microsoftonline.com/<tenant>/v2.0, the issuer the app's sign-in
    # expects, with the client id as audience.
    requested_access_token_version = 2

    oauth2_permission_scope {
      id                         = local.user_impersonation_scope_id
      value                      = "user_impersonation"
      type                       = "User"
      enabled                    = true
      admin_consent_display_name = "Use ClouDO"
      admin_consent_description  = "Call ClouDO's API as the signed-in user, with the ClouDO roles the user holds."
      user_consent_display_name  = "Use ClouDO"
      user_consent_description   = "Call ClouDO's API as you, with the ClouDO roles you hold."
    }
  }

  # Browser sign-in without a client secret: App Service authentication then takes an ID token (implicit flow,
  # form_post) at its callback. No secret exists, so none is in the state or the app settings.
  web {
    redirect_uris = local.sign_in_redirect_uris

    implicit_grant {
      id_token_issuance_enabled = true
    }
  }
}

# The registration's service principal (enterprise application): app roles are assigned on it. Only principals with
# a role assignment (directly or through a group) get a token for ClouDO at all.
resource "azuread_service_principal" "this" {
  count = var.enable_sign_in ? 1 : 0

  client_id                    = azuread_application.this[0].client_id
  app_role_assignment_required = true
  owners                       = [data.azuread_client_config.current[0].object_id]
}

# The Azure CLI may ask for tokens for ClouDO on a user's behalf without a consent prompt. The user still needs a
# role (app_role_assignment_required above).
resource "azuread_application_pre_authorized" "azure_cli" {
  count = var.enable_sign_in ? 1 : 0

  application_id       = azuread_application.this[0].id
  authorized_client_id = local.azure_cli_client_id
  permission_ids       = [local.user_impersonation_scope_id]
}

# Who may do what: each Entra group, user or service principal in role_assignments gets its role.
resource "azuread_app_role_assignment" "this" {
  for_each = var.enable_sign_in ? local.role_assignment_pairs : {}

  app_role_id         = local.app_roles[each.value.role].id
  principal_object_id = each.value.principal_id
  resource_object_id  = azuread_service_principal.this[0].object_id
}
