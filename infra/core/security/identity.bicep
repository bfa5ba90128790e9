// User-assigned managed identity: the function app's one identity for every data-plane call
// (storage, Durable Task Scheduler, AI Search, Azure OpenAI, Key Vault, IoT Hub, App Insights).
param name string
param location string
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output name string = identity.name
output resourceId string = identity.id
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
