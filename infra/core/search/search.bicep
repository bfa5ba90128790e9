// Azure AI Search: vector + BM25 + semantic ranker. Keys are disabled (disableLocalAuth): callers use
// Entra ID with Search Index Data Contributor / Search Service Contributor (app/rbac.bicep).
// The system-assigned identity lets the service call Azure OpenAI for integrated vectorization.
param name string
param location string
param tags object = {}
@allowed([ 'basic', 'standard', 'standard2', 'standard3' ])
@description('The semantic ranker needs basic or higher.')
param skuName string = 'basic'
@allowed([ 'free', 'standard' ])
@description('Semantic ranker plan: free (limited monthly queries) or standard (billed per 1000 queries).')
param semanticSearch string = 'free'
param replicaCount int = 1
param partitionCount int = 1

resource search 'Microsoft.Search/searchServices@2025-05-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
  }
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    replicaCount: replicaCount
    partitionCount: partitionCount
    hostingMode: 'default'
    semanticSearch: semanticSearch
    disableLocalAuth: true
    publicNetworkAccess: 'enabled'
  }
}

output name string = search.name
output resourceId string = search.id
output endpoint string = 'https://${search.name}.search.windows.net'
output principalId string = search.identity.principalId
