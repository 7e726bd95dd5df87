/**
 * Built-in Azure role definitions with their real GUIDs, actions and data actions
 * (Microsoft Learn built-in roles: general, privileged, compute, security).
 * @module
 */

/** A role definition's permissions block. */
export interface Permissions {
  actions: string[];
  notActions: string[];
  dataActions: string[];
  notDataActions: string[];
  /** An ABAC condition on the role's permissions (shown as ARM shows it). */
  condition?: string;
  conditionVersion?: string;
}

/** A role definition: built-in, or custom (created through ARM, with its assignable scopes). */
export interface RoleDefinition {
  id: string;
  roleName: string;
  description: string;
  permissions: Permissions;
  /**
   * The role's condition, evaluated: role assignments it may write or delete are only those of
   * these role definition ids (Key Vault Data Access Administrator).
   */
  assignableRoleIds?: string[];
  /** Set for custom roles only. */
  custom?: { assignableScopes: string[]; createdOn: string; updatedOn: string; createdBy: string };
}

const CP_READ = [
  "Microsoft.Authorization/*/read",
  "Microsoft.Insights/alertRules/*",
  "Microsoft.Resources/deployments/*",
  "Microsoft.Resources/subscriptions/resourceGroups/read",
  "Microsoft.Support/*",
  "Microsoft.KeyVault/checkNameAvailability/read",
  "Microsoft.KeyVault/deletedVaults/read",
  "Microsoft.KeyVault/locations/*/read",
  "Microsoft.KeyVault/vaults/*/read",
  "Microsoft.KeyVault/operations/read",
];

function role(id: string, roleName: string, description: string, p: Partial<Permissions>): RoleDefinition {
  return { id, roleName, description, permissions: { actions: [], notActions: [], dataActions: [], notDataActions: [], ...p } };
}

/** The Key Vault data roles Key Vault Data Access Administrator may assign and remove (its built-in condition). */
export const KEY_VAULT_DATA_ROLE_IDS: readonly string[] = [
  "00482a5a-887f-4fb3-b363-3b7fe8e74483",
  "a4417e6f-fecd-4de8-b567-7b0420556985",
  "14b46e9e-c2b7-41b4-b07b-48a6ebf60603",
  "e147488a-f6f5-4113-8e2d-b22465e65bf6",
  "12338af0-0e69-4776-bea7-57ae8d297424",
  "21090545-7ca7-4776-b22c-e363652d74d2",
  "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
  "4633458b-17de-408a-b874-0445c86b69e6",
];

/** Key Vault Data Access Administrator: role assignments, limited by its condition to the Key Vault data roles. */
function dataAccessAdministrator(): RoleDefinition {
  const ids = KEY_VAULT_DATA_ROLE_IDS.join(", ");
  const condition = "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR " +
    `(@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${ids}})) AND ` +
    "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})) OR " +
    `(@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${ids}}))`;
  return {
    ...role(
      "8b54135c-b56d-4d72-a534-26097cfdc8d8",
      "Key Vault Data Access Administrator",
      "Manage access to Azure Key Vault by adding or removing role assignments for the Key Vault Administrator, Key Vault Certificates Officer, Key Vault Crypto Officer, Key Vault Crypto Service Encryption User, Key Vault Crypto User, Key Vault Reader, Key Vault Secrets Officer, or Key Vault Secrets User roles. Includes an ABAC condition to constrain role assignments.",
      {
        actions: [
          "Microsoft.Authorization/roleAssignments/write",
          "Microsoft.Authorization/roleAssignments/delete",
          "Microsoft.Authorization/*/read",
          "Microsoft.Resources/deployments/*",
          "Microsoft.Resources/subscriptions/resourceGroups/read",
          "Microsoft.Resources/subscriptions/read",
          "Microsoft.Management/managementGroups/read",
          "Microsoft.Support/*",
          "Microsoft.KeyVault/vaults/*/read",
        ],
        condition,
        conditionVersion: "2.0",
      },
    ),
    assignableRoleIds: [...KEY_VAULT_DATA_ROLE_IDS],
  };
}

/** Every built-in role the emulator knows. */
export const BUILTIN_ROLES: readonly RoleDefinition[] = [
  role("8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "Owner", "Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.", {
    actions: ["*"],
  }),
  role(
    "b24988ac-6180-42a0-ab88-20f7382dd24c",
    "Contributor",
    "Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC.",
    {
      actions: ["*"],
      notActions: [
        "Microsoft.Authorization/*/Delete",
        "Microsoft.Authorization/*/Write",
        "Microsoft.Authorization/elevateAccess/Action",
        "Microsoft.Blueprint/blueprintAssignments/write",
        "Microsoft.Blueprint/blueprintAssignments/delete",
        "Microsoft.Compute/galleries/share/action",
        "Microsoft.Purview/consents/write",
        "Microsoft.Purview/consents/delete",
        "Microsoft.Resources/deploymentStacks/manageDenySetting/action",
        "Microsoft.Subscription/cancel/action",
        "Microsoft.Subscription/enable/action",
      ],
    },
  ),
  role("acdd72a7-3385-48ef-bd42-f606fba81ae7", "Reader", "View all resources, but does not allow you to make any changes.", { actions: ["*/read"] }),
  role("18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", "User Access Administrator", "Lets you manage user access to Azure resources.", {
    actions: ["*/read", "Microsoft.Authorization/*", "Microsoft.Support/*"],
  }),
  role(
    "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
    "Role Based Access Control Administrator",
    "Manage access to Azure resources by assigning roles using Azure RBAC.",
    {
      actions: ["Microsoft.Authorization/roleAssignments/write", "Microsoft.Authorization/roleAssignments/delete", "*/read", "Microsoft.Support/*"],
    },
  ),
  role("9980e02c-c2be-4d73-94e8-173b1dc7cf3c", "Virtual Machine Contributor", "Create and manage virtual machines, manage disks, install and run software.", {
    actions: [
      "Microsoft.Authorization/*/read",
      "Microsoft.Compute/availabilitySets/*",
      "Microsoft.Compute/locations/*",
      "Microsoft.Compute/virtualMachines/*",
      "Microsoft.Compute/virtualMachineScaleSets/*",
      "Microsoft.Compute/disks/write",
      "Microsoft.Compute/disks/read",
      "Microsoft.Compute/disks/delete",
      "Microsoft.Network/networkInterfaces/*",
      "Microsoft.Resources/deployments/*",
      "Microsoft.Resources/subscriptions/resourceGroups/read",
      "Microsoft.Support/*",
    ],
  }),
  role("00482a5a-887f-4fb3-b363-3b7fe8e74483", "Key Vault Administrator", "Perform all data plane operations on a key vault and all objects in it.", {
    actions: CP_READ,
    dataActions: ["Microsoft.KeyVault/vaults/*"],
  }),
  role("21090545-7ca7-4776-b22c-e363652d74d2", "Key Vault Reader", "Read metadata of key vaults and its certificates, keys, and secrets.", {
    actions: CP_READ,
    dataActions: ["Microsoft.KeyVault/vaults/*/read", "Microsoft.KeyVault/vaults/secrets/readMetadata/action"],
  }),
  role("b86a8fe4-44ce-4948-aee5-eccb2c155cd7", "Key Vault Secrets Officer", "Perform any action on the secrets of a key vault, except manage permissions.", {
    actions: CP_READ,
    dataActions: ["Microsoft.KeyVault/vaults/secrets/*"],
  }),
  dataAccessAdministrator(),
  role("4633458b-17de-408a-b874-0445c86b69e6", "Key Vault Secrets User", "Read secret contents.", {
    dataActions: ["Microsoft.KeyVault/vaults/secrets/getSecret/action", "Microsoft.KeyVault/vaults/secrets/readMetadata/action"],
  }),
  role("14b46e9e-c2b7-41b4-b07b-48a6ebf60603", "Key Vault Crypto Officer", "Perform any action on the keys of a key vault, except manage permissions.", {
    actions: CP_READ,
    dataActions: ["Microsoft.KeyVault/vaults/keys/*", "Microsoft.KeyVault/vaults/keyrotationpolicies/*"],
  }),
  role("12338af0-0e69-4776-bea7-57ae8d297424", "Key Vault Crypto User", "Perform cryptographic operations using keys.", {
    dataActions: [
      "Microsoft.KeyVault/vaults/keys/read",
      "Microsoft.KeyVault/vaults/keys/update/action",
      "Microsoft.KeyVault/vaults/keys/backup/action",
      "Microsoft.KeyVault/vaults/keys/encrypt/action",
      "Microsoft.KeyVault/vaults/keys/decrypt/action",
      "Microsoft.KeyVault/vaults/keys/wrap/action",
      "Microsoft.KeyVault/vaults/keys/unwrap/action",
      "Microsoft.KeyVault/vaults/keys/sign/action",
      "Microsoft.KeyVault/vaults/keys/verify/action",
    ],
  }),
  role("e147488a-f6f5-4113-8e2d-b22465e65bf6", "Key Vault Crypto Service Encryption User", "Read metadata of keys and perform wrap/unwrap operations.", {
    actions: ["Microsoft.EventGrid/eventSubscriptions/write", "Microsoft.EventGrid/eventSubscriptions/read", "Microsoft.EventGrid/eventSubscriptions/delete"],
    dataActions: ["Microsoft.KeyVault/vaults/keys/read", "Microsoft.KeyVault/vaults/keys/wrap/action", "Microsoft.KeyVault/vaults/keys/unwrap/action"],
  }),
  role("08bbd89e-9f13-488c-ac41-acfcb10c90ab", "Key Vault Crypto Service Release User", "Release keys.", {
    dataActions: ["Microsoft.KeyVault/vaults/keys/release/action"],
  }),
  role(
    "a4417e6f-fecd-4de8-b567-7b0420556985",
    "Key Vault Certificates Officer",
    "Perform any action on the certificates of a key vault, except manage permissions.",
    {
      actions: CP_READ,
      dataActions: [
        "Microsoft.KeyVault/vaults/certificatecas/*",
        "Microsoft.KeyVault/vaults/certificates/*",
        "Microsoft.KeyVault/vaults/certificatecontacts/write",
      ],
    },
  ),
  role("db79e9a7-68ee-4b58-9aeb-b90e7c24fcba", "Key Vault Certificate User", "Read entire certificate contents including secret and key portion.", {
    dataActions: [
      "Microsoft.KeyVault/vaults/certificates/read",
      "Microsoft.KeyVault/vaults/secrets/getSecret/action",
      "Microsoft.KeyVault/vaults/secrets/readMetadata/action",
      "Microsoft.KeyVault/vaults/keys/read",
    ],
  }),
  role(
    "f25e0fa2-a7c8-4377-a976-54943a77a395",
    "Key Vault Contributor",
    "Manage key vaults, but does not allow you to assign roles in Azure RBAC, and does not allow you to access secrets, keys, or certificates.",
    {
      actions: [
        "Microsoft.Authorization/*/read",
        "Microsoft.Insights/alertRules/*",
        "Microsoft.KeyVault/*",
        "Microsoft.Resources/deployments/*",
        "Microsoft.Resources/subscriptions/resourceGroups/read",
        "Microsoft.Support/*",
      ],
      notActions: ["Microsoft.KeyVault/locations/deletedVaults/purge/action", "Microsoft.KeyVault/hsmPools/*", "Microsoft.KeyVault/managedHsms/*"],
    },
  ),
];

/** Finds a custom role of the tenant, then a built-in one, by GUID or by name (case-insensitive). */
export function findRoleIn(customRoles: ReadonlyMap<string, RoleDefinition> | undefined, idOrName: string): RoleDefinition | undefined {
  const key = idOrName.toLowerCase();
  return customRoles?.get(key) ?? [...(customRoles?.values() ?? [])].find((r) => r.roleName.toLowerCase() === key) ?? findRole(idOrName);
}

/** Finds a built-in role by GUID or by name (case-insensitive). */
export function findRole(idOrName: string): RoleDefinition | undefined {
  const key = idOrName.toLowerCase();
  return BUILTIN_ROLES.find((r) => r.id === key || r.roleName.toLowerCase() === key);
}
