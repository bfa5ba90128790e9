// Dify Functions on Azure: everything `azd up` provisions. Subscription scope: one resource group
// holding the modules below. Outputs become azd environment values (azd env get-values), which the
// hooks in infra/hooks read.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; seeds resource names and the azd-env-name tag.')
param environmentName string

@minLength(1)
@description('Region of every resource (Flex Consumption must be available there), except Azure OpenAI when openAiLocation is set.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the developer running azd (AZURE_PRINCIPAL_ID); gets the data-plane roles the app has, so a local host can use the same resources. Empty: none.')
param principalId string = ''

@allowed([ 'User', 'ServicePrincipal', 'Group' ])
@description('Kind of principalId: ServicePrincipal when azd runs in CI.')
param principalType string = 'User'

@description('Resource group name; empty: rg-<environmentName>.')
param resourceGroupName string = ''

// Function app (Flex Consumption)
@allowed([ 512, 2048, 4096 ])
param instanceMemoryMB int = 2048
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100
@description('Browser origins allowed to call the API (CORS).')
param allowedOrigins array = []

// Storage
param documentsContainerName string = 'documents'
param templatesContainerName string = 'templates'
@description('Container of uploaded files and files made by workflow nodes (the app\'s Storage:FilesContainer default).')
param filesContainerName string = 'files'
@description('Container holding the Flex Consumption deployment package.')
param deploymentsContainerName string = 'deployments'
param tableNames array = [ 'runs', 'events', 'apps' ]

// Durable Task Scheduler
@allowed([ 'Consumption', 'Dedicated' ])
param schedulerSkuName string = 'Consumption'
param schedulerCapacity int = 1
param taskHubName string = 'dify'

// Azure AI Search
@allowed([ 'basic', 'standard', 'standard2', 'standard3' ])
param searchSkuName string = 'basic'
@allowed([ 'free', 'standard' ])
param searchSemanticRanker string = 'free'

// Azure OpenAI
@description('Region of the Azure OpenAI account (model availability and quota differ by region); empty: location.')
param openAiLocation string = ''
param chatModelName string = 'gpt-4o-mini'
param chatModelVersion string = '2024-07-18'
@description('Chat deployment name; the app sends it as the model name (Models__Default__Model).')
param chatDeploymentName string = 'chat'
param chatDeploymentSku string = 'GlobalStandard'
param chatCapacity int = 30
param embeddingModelName string = 'text-embedding-3-small'
param embeddingModelVersion string = '1'
param embeddingDeploymentName string = 'embedding'
param embeddingDeploymentSku string = 'Standard'
param embeddingCapacity int = 30

// IoT Hub
@allowed([ 'S1', 'S2', 'S3' ])
param iotHubSkuName string = 'S1'
param iotHubCapacity int = 1
param iotHubPartitionCount int = 4
param iotHubConsumerGroupName string = 'functions'

// Container Registry
@allowed([ 'Basic', 'Standard', 'Premium' ])
param containerRegistrySku string = 'Basic'

// Secrets
@secure()
@description('Admin API key (ADMIN_API_KEY); empty: the postprovision hook generates one once and keeps it in Key Vault.')
param adminApiKey string = ''

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var serviceName = 'functions'
var functionAppName = '${abbrs.webSitesFunctions}${resourceToken}'
var iotHubEventsSecretName = 'iothub-events-connection'
var adminApiKeySecretName = 'admin-api-key'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity 'core/security/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'core/monitor/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'core/storage/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    containerNames: [
      documentsContainerName
      templatesContainerName
      filesContainerName
      deploymentsContainerName
    ]
    tableNames: tableNames
  }
}

module blobEvents 'core/events/blob-events-topic.bicep' = {
  name: 'blob-events'
  scope: rg
  params: {
    name: '${abbrs.eventGridSystemTopics}${resourceToken}'
    location: location
    tags: tags
    storageAccountName: storage.outputs.name
  }
}

module scheduler 'core/durable/scheduler.bicep' = {
  name: 'scheduler'
  scope: rg
  params: {
    name: '${abbrs.durableTaskSchedulers}${resourceToken}'
    location: location
    tags: tags
    taskHubName: taskHubName
    skuName: schedulerSkuName
    skuCapacity: schedulerCapacity
  }
}

module search 'core/search/search.bicep' = {
  name: 'search'
  scope: rg
  params: {
    name: '${abbrs.searchSearchServices}${resourceToken}'
    location: location
    tags: tags
    skuName: searchSkuName
    semanticSearch: searchSemanticRanker
  }
}

module openAi 'core/ai/openai.bicep' = {
  name: 'openai'
  scope: rg
  params: {
    name: '${abbrs.cognitiveServicesOpenAI}${resourceToken}'
    location: !empty(openAiLocation) ? openAiLocation : location
    tags: tags
    chatDeploymentName: chatDeploymentName
    chatModelName: chatModelName
    chatModelVersion: chatModelVersion
    chatDeploymentSku: chatDeploymentSku
    chatCapacity: chatCapacity
    embeddingDeploymentName: embeddingDeploymentName
    embeddingModelName: embeddingModelName
    embeddingModelVersion: embeddingModelVersion
    embeddingDeploymentSku: embeddingDeploymentSku
    embeddingCapacity: embeddingCapacity
  }
}

module iotHub 'core/iot/iothub.bicep' = {
  name: 'iothub'
  scope: rg
  params: {
    name: '${abbrs.devicesIotHubs}${resourceToken}'
    location: location
    tags: tags
    skuName: iotHubSkuName
    skuCapacity: iotHubCapacity
    partitionCount: iotHubPartitionCount
    consumerGroupName: iotHubConsumerGroupName
  }
}

module registry 'core/registry/registry.bicep' = {
  name: 'registry'
  scope: rg
  params: {
    name: '${abbrs.containerRegistryRegistries}${resourceToken}'
    location: location
    tags: tags
    skuName: containerRegistrySku
  }
}

module keyVault 'core/security/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: '${abbrs.keyVaultVaults}${resourceToken}'
    location: location
    tags: tags
  }
}

module secrets 'app/secrets.bicep' = {
  name: 'secrets'
  scope: rg
  params: {
    keyVaultName: keyVault.outputs.name
    iotHubName: iotHub.outputs.name
    iotHubEventsSecretName: iotHubEventsSecretName
    adminApiKeySecretName: adminApiKeySecretName
    adminApiKey: adminApiKey
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    identityPrincipalId: identity.outputs.principalId
    searchPrincipalId: search.outputs.principalId
    principalId: principalId
    principalType: principalType
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    schedulerName: scheduler.outputs.name
    searchServiceName: search.outputs.name
    openAiAccountName: openAi.outputs.name
    keyVaultName: keyVault.outputs.name
    iotHubName: iotHub.outputs.name
    containerRegistryName: registry.outputs.name
  }
}

module functions 'app/functions.bicep' = {
  name: 'functions'
  scope: rg
  params: {
    name: functionAppName
    planName: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    serviceName: serviceName
    identityId: identity.outputs.resourceId
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerName: deploymentsContainerName
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    allowedOrigins: allowedOrigins
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    schedulerEndpoint: scheduler.outputs.endpoint
    taskHubName: scheduler.outputs.taskHubName
    openAiEndpoint: openAi.outputs.endpoint
    chatDeploymentName: openAi.outputs.chatDeploymentName
    embeddingDeploymentName: openAi.outputs.embeddingDeploymentName
    searchEndpoint: search.outputs.endpoint
    iotHubHostName: iotHub.outputs.hostName
    iotHubEventHubName: iotHub.outputs.eventHubName
    iotHubConsumerGroup: iotHub.outputs.consumerGroupName
    keyVaultName: keyVault.outputs.name
    iotHubEventsSecretName: secrets.outputs.iotHubEventsSecretName
    adminApiKeySecretName: secrets.outputs.adminApiKeySecretName
  }
  // Role assignments first: the deployment package, host storage and Key Vault references all need them.
  dependsOn: [
    rbac
  ]
}

// azd environment values
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_CLIENT_ID string = identity.outputs.clientId
output AZURE_FUNCTION_APP_NAME string = functions.outputs.name
output SERVICE_FUNCTIONS_NAME string = functions.outputs.name
output SERVICE_FUNCTIONS_URI string = functions.outputs.uri
output DIFY_API_BASE_URL string = '${functions.outputs.uri}/v1'
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint
output AZURE_STORAGE_TABLE_ENDPOINT string = storage.outputs.tableEndpoint
output AZURE_DOCUMENTS_CONTAINER_NAME string = documentsContainerName
output AZURE_TEMPLATES_CONTAINER_NAME string = templatesContainerName
output AZURE_EVENTGRID_SYSTEM_TOPIC_NAME string = blobEvents.outputs.name
output DURABLE_TASK_SCHEDULER_ENDPOINT string = scheduler.outputs.endpoint
output TASKHUB_NAME string = scheduler.outputs.taskHubName
output AZURE_SEARCH_NAME string = search.outputs.name
output AZURE_SEARCH_ENDPOINT string = search.outputs.endpoint
output AZURE_OPENAI_NAME string = openAi.outputs.name
output AZURE_OPENAI_ENDPOINT string = openAi.outputs.endpoint
output AZURE_OPENAI_CHAT_DEPLOYMENT string = openAi.outputs.chatDeploymentName
output AZURE_OPENAI_EMBEDDING_DEPLOYMENT string = openAi.outputs.embeddingDeploymentName
output AZURE_IOT_HUB_NAME string = iotHub.outputs.name
output AZURE_IOT_HUB_HOSTNAME string = iotHub.outputs.hostName
output AZURE_IOT_HUB_CONSUMER_GROUP string = iotHub.outputs.consumerGroupName
output AZURE_CONTAINER_REGISTRY_NAME string = registry.outputs.name
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.outputs.loginServer
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_ENDPOINT string = keyVault.outputs.endpoint
output ADMIN_API_KEY_SECRET_NAME string = adminApiKeySecretName
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
