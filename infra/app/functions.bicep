// The Dify Functions app on a Flex Consumption plan (Linux, .NET isolated 10.0), running as the
// user-assigned identity. Every app setting the app reads is set here; local.settings.sample.json
// holds the same keys for a local run (tests/Dify.Infra.Tests checks that the two agree).
param name string
param planName string
param location string
param tags object = {}
@description('azd service name; azd finds the app through the azd-service-name tag.')
param serviceName string = 'functions'
param identityId string
param identityClientId string
param storageAccountName string
@description('Blob container holding the deployment package (Flex Consumption).')
param deploymentContainerName string
@allowed([ 512, 2048, 4096 ])
param instanceMemoryMB int = 2048
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100
@description('Browser origins allowed to call the API (CORS); empty: none.')
param allowedOrigins array = []
param applicationInsightsConnectionString string
param schedulerEndpoint string
param taskHubName string
param openAiEndpoint string
param chatDeploymentName string
param embeddingDeploymentName string
param searchEndpoint string
@description('Vector size of the knowledge index: the embedding deployment\'s output (text-embedding-3-small: 1536).')
param searchVectorDimensions int = 1536
param iotHubHostName string
param iotHubEventHubName string
param iotHubConsumerGroup string
param keyVaultName string
param iotHubEventsSecretName string
param adminApiKeySecretName string

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      cors: {
        allowedOrigins: allowedOrigins
      }
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

// Flex Consumption takes the runtime from functionAppConfig.runtime: no FUNCTIONS_WORKER_RUNTIME or
// FUNCTIONS_EXTENSION_VERSION here (they are local-only, in local.settings.sample.json).
resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'appsettings'
  properties: {
    // Host storage (keys, Event Hubs checkpoints, timer locks, blob trigger receipts) over identity.
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
    AzureWebJobsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
    AzureWebJobsStorage__tableServiceUri: storage.properties.primaryEndpoints.table
    // Durable Functions on the Durable Task Scheduler (host.json: storageProvider type azureManaged).
    DURABLE_TASK_SCHEDULER_CONNECTION_STRING: 'Endpoint=${schedulerEndpoint};Authentication=ManagedIdentity;ClientID=${identityClientId}'
    TASKHUB_NAME: taskHubName
    // Azure OpenAI through its OpenAI-compatible v1 API; no key: the app signs in as AZURE_CLIENT_ID.
    Models__Default__Endpoint: '${openAiEndpoint}openai/v1/'
    Models__Default__ApiKey: ''
    Models__Default__Model: chatDeploymentName
    Models__Embeddings__Model: embeddingDeploymentName
    // NCRONTAB (seconds first) of the ReconcileDocuments timer: deleted, changed or missed document blobs.
    Knowledge__ReconcileSchedule: '0 */5 * * * *'
    Search__Endpoint: searchEndpoint
    Search__VectorDimensions: string(searchVectorDimensions)
    Storage__BlobEndpoint: storage.properties.primaryEndpoints.blob
    Storage__TableEndpoint: storage.properties.primaryEndpoints.table
    IoTHub__HostName: iotHubHostName
    IoTHub__EventHubName: iotHubEventHubName
    IoTHub__ConsumerGroup: iotHubConsumerGroup
    IoTHub__EventHubConnection: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${iotHubEventsSecretName})'
    Admin__ApiKey: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${adminApiKeySecretName})'
    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
    AZURE_CLIENT_ID: identityClientId
  }
}

output name string = app.name
output uri string = 'https://${app.properties.defaultHostName}'
output planName string = plan.name
