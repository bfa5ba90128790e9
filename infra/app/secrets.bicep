// Secrets the function app reads through Key Vault references:
// - the IoT Hub built-in endpoint's Event Hub connection string (the reference documents only
//   connection strings for the IoT Hub built-in endpoint, no identity-based connection), built from the
//   hub's 'service' policy (ServiceConnect is enough to read device-to-cloud events);
// - the admin API key, only when one is given (ADMIN_API_KEY); otherwise the postprovision hook
//   generates one once and keeps it across provisions.
param keyVaultName string
param iotHubName string
@description('Secret name holding the IoT Hub Event Hub-compatible connection string.')
param iotHubEventsSecretName string
@description('Secret name holding the admin API key.')
param adminApiKeySecretName string
@secure()
@description('Admin API key; empty leaves the secret to the postprovision hook.')
param adminApiKey string = ''

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource hub 'Microsoft.Devices/IotHubs@2023-06-30' existing = {
  name: iotHubName
}

var servicePolicyKey = filter(listKeys(hub.id, '2023-06-30').value, policy => policy.keyName == 'service')[0].primaryKey
var eventsEndpoint = hub.properties.eventHubEndpoints.events.endpoint
var eventsPath = hub.properties.eventHubEndpoints.events.path

resource iotHubEventsSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: iotHubEventsSecretName
  properties: {
    contentType: 'Event Hubs connection string'
    value: 'Endpoint=${eventsEndpoint};SharedAccessKeyName=service;SharedAccessKey=${servicePolicyKey};EntityPath=${eventsPath}'
  }
}

resource adminApiKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(adminApiKey)) {
  parent: vault
  name: adminApiKeySecretName
  properties: {
    contentType: 'Dify Functions admin API key'
    value: adminApiKey
  }
}

output iotHubEventsSecretName string = iotHubEventsSecret.name
output adminApiKeySecretName string = adminApiKeySecretName
