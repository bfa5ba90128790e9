// Every role assignment of the deployment, grouped by the resource they are scoped to.
// - the function app's user-assigned identity: what the app needs at run time;
// - the AI Search service identity: Azure OpenAI for integrated vectorization;
// - the developer who runs azd (principalId, optional): the same data-plane roles, so a local host
//   signed in with `az login` can use the deployed resources, plus Key Vault Secrets Officer
//   (the postprovision hook writes the admin key) and AcrPush (the postdeploy hook pushes the edge image).
param identityPrincipalId string
param searchPrincipalId string
@description('Object id of the developer running azd; empty skips the developer\'s assignments.')
param principalId string = ''
@allowed([ 'User', 'ServicePrincipal', 'Group' ])
param principalType string = 'User'
param storageAccountName string
param applicationInsightsName string
param schedulerName string
param searchServiceName string
param openAiAccountName string
param keyVaultName string
param iotHubName string
param containerRegistryName string

// Built-in role definition ids.
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  durableTaskDataContributor: '0ad04412-c4d5-4796-b79c-f76d14c8d402'
  searchIndexDataContributor: '8ebe5a00-799e-43f5-93ac-243d3dce84a7'
  searchServiceContributor: '7ca78c08-252a-4471-8644-bb5ff32d4ba0'
  cognitiveServicesOpenAIUser: '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
  iotHubDataContributor: '4fc6c259-987e-4a07-842e-c321cc9d413f'
  acrPush: '8311e382-0749-4cb8-b61a-304f252e45ec'
}

var hasDeveloper = !empty(principalId)

func app(roleId string, id string) object => { principalId: id, principalType: 'ServicePrincipal', roleId: roleId }
func dev(roleId string, id string, kind string) object => { principalId: id, principalType: kind, roleId: roleId }

var storageAssignments = concat(
  [
    app(roles.storageBlobDataOwner, identityPrincipalId)
    app(roles.storageQueueDataContributor, identityPrincipalId)
    app(roles.storageTableDataContributor, identityPrincipalId)
  ],
  hasDeveloper ? [
    dev(roles.storageBlobDataOwner, principalId, principalType)
    dev(roles.storageQueueDataContributor, principalId, principalType)
    dev(roles.storageTableDataContributor, principalId, principalType)
  ] : [])

var monitoringAssignments = [
  app(roles.monitoringMetricsPublisher, identityPrincipalId)
]

var schedulerAssignments = concat(
  [ app(roles.durableTaskDataContributor, identityPrincipalId) ],
  hasDeveloper ? [ dev(roles.durableTaskDataContributor, principalId, principalType) ] : [])

var searchAssignments = concat(
  [
    app(roles.searchIndexDataContributor, identityPrincipalId)
    app(roles.searchServiceContributor, identityPrincipalId)
  ],
  hasDeveloper ? [
    dev(roles.searchIndexDataContributor, principalId, principalType)
    dev(roles.searchServiceContributor, principalId, principalType)
  ] : [])

var openAiAssignments = concat(
  [
    app(roles.cognitiveServicesOpenAIUser, identityPrincipalId)
    app(roles.cognitiveServicesOpenAIUser, searchPrincipalId)
  ],
  hasDeveloper ? [ dev(roles.cognitiveServicesOpenAIUser, principalId, principalType) ] : [])

var keyVaultAssignments = concat(
  [ app(roles.keyVaultSecretsUser, identityPrincipalId) ],
  hasDeveloper ? [ dev(roles.keyVaultSecretsOfficer, principalId, principalType) ] : [])

var iotHubAssignments = concat(
  [ app(roles.iotHubDataContributor, identityPrincipalId) ],
  hasDeveloper ? [ dev(roles.iotHubDataContributor, principalId, principalType) ] : [])

var registryAssignments = hasDeveloper ? [ dev(roles.acrPush, principalId, principalType) ] : []

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource scheduler 'Microsoft.DurableTask/schedulers@2025-04-01-preview' existing = {
  name: schedulerName
}

resource search 'Microsoft.Search/searchServices@2025-05-01' existing = {
  name: searchServiceName
}

resource openAi 'Microsoft.CognitiveServices/accounts@2024-10-01' existing = {
  name: openAiAccountName
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource hub 'Microsoft.Devices/IotHubs@2023-06-30' existing = {
  name: iotHubName
}

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: containerRegistryName
}

resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for a in storageAssignments: {
  name: guid(storage.id, a.principalId, a.roleId)
  scope: storage
  properties: {
    principalId: a.principalId
    principalType: a.principalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', a.roleId)
  }
}]

resource monitoringRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for a in monitoringAssignments: {
  name: guid(appInsights.id, a.principalId, a.roleId)
  scope: appInsights
  properties: {
    principalId: a.principalId
    principalType: a.principalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', a.roleId)
  }
}]

resource schedulerRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for a in schedulerAssignments: {
  name: guid(scheduler.id, a.principalId, a.roleId)
  scope: scheduler
  properties: {
    principalId: a.principalId
    principalType: a.principalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', a.roleId)
  }
}]

resource searchRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for a in searchAssignments: {
  name: guid(search.id, a.principalId, a.roleId)
  scope: search
  properties: {
    principalId: a.principalId
    principalType: a.principalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', a.roleId)
  }
}]

resource openAiRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for a in openAiAssignments: {
  name: guid(openAi.id, a.principalId, a.roleId)
  scope: openAi
  properties: {
    principalId: a.principalId
    principalType: a.principalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', a.roleId)
  }
}]

resource keyVaultRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for a in keyVaultAssignments: {
  name: guid(vault.id, a.principalId, a.roleId)
  scope: vault
  properties: {
    principalId: a.principalId
    principalType: a.principalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', a.roleId)
  }
}]

resource iotHubRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for a in iotHubAssignments: {
  name: guid(hub.id, a.principalId, a.roleId)
  scope: hub
  properties: {
    principalId: a.principalId
    principalType: a.principalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', a.roleId)
  }
}]

resource registryRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for a in registryAssignments: {
  name: guid(registry.id, a.principalId, a.roleId)
  scope: registry
  properties: {
    principalId: a.principalId
    principalType: a.principalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', a.roleId)
  }
}]
