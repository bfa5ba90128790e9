// Event Grid system topic on the storage account. The blob trigger with Source = EventGrid needs an
// event subscription to the function's blob extension webhook; that subscription is created by the
// postdeploy hook (infra/hooks/postdeploy.*), because its URL carries the blobs_extension system key,
// which exists only after the code is deployed and the host has loaded the blob extension.
param name string
param location string
param tags object = {}
param storageAccountName string

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource topic 'Microsoft.EventGrid/systemTopics@2022-06-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    source: storage.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

output name string = topic.name
