// Azure OpenAI account (custom subdomain, keys disabled) with one chat and one embedding deployment.
// Deployments run one after the other: the service rejects concurrent deployment writes.
param name string
param location string
param tags object = {}
param chatDeploymentName string
param chatModelName string
param chatModelVersion string
param chatDeploymentSku string = 'GlobalStandard'
@description('Thousands of tokens per minute.')
param chatCapacity int = 30
param embeddingDeploymentName string
param embeddingModelName string
param embeddingModelVersion string
param embeddingDeploymentSku string = 'Standard'
@description('Thousands of tokens per minute.')
param embeddingCapacity int = 30

resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: name
  location: location
  tags: tags
  kind: 'OpenAI'
  sku: {
    name: 'S0'
  }
  properties: {
    customSubDomainName: name
    publicNetworkAccess: 'Enabled'
    disableLocalAuth: true
  }
}

resource embedding 'Microsoft.CognitiveServices/accounts/deployments@2024-10-01' = {
  parent: account
  name: embeddingDeploymentName
  sku: {
    name: embeddingDeploymentSku
    capacity: embeddingCapacity
  }
  properties: {
    model: {
      format: 'OpenAI'
      name: embeddingModelName
      version: embeddingModelVersion
    }
  }
}

resource chat 'Microsoft.CognitiveServices/accounts/deployments@2024-10-01' = {
  parent: account
  name: chatDeploymentName
  sku: {
    name: chatDeploymentSku
    capacity: chatCapacity
  }
  properties: {
    model: {
      format: 'OpenAI'
      name: chatModelName
      version: chatModelVersion
    }
  }
  dependsOn: [
    embedding
  ]
}

output name string = account.name
output resourceId string = account.id
output endpoint string = account.properties.endpoint
output chatDeploymentName string = chat.name
output embeddingDeploymentName string = embedding.name
