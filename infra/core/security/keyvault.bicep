// Key Vault in RBAC mode: the app reads secrets through Key Vault references (Key Vault Secrets User
// for its identity); the deployer manages them (Key Vault Secrets Officer), see app/rbac.bicep.
param name string
param location string
param tags object = {}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    publicNetworkAccess: 'Enabled'
  }
}

output name string = vault.name
output resourceId string = vault.id
output endpoint string = vault.properties.vaultUri
