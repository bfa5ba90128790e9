// Durable Task Scheduler (the managed Durable Functions backend) and its task hub.
// The app reaches it with its managed identity (Durable Task Data Contributor, app/rbac.bicep).
param name string
param location string
param tags object = {}
param taskHubName string
@allowed([ 'Consumption', 'Dedicated' ])
param skuName string = 'Consumption'
param skuCapacity int = 1
@description('CIDR ranges allowed to reach the scheduler; identity auth still applies.')
param ipAllowlist array = [ '0.0.0.0/0' ]

resource scheduler 'Microsoft.DurableTask/schedulers@2025-04-01-preview' = {
  name: name
  location: location
  tags: tags
  properties: {
    ipAllowlist: ipAllowlist
    sku: {
      name: skuName
      capacity: skuCapacity
    }
  }
}

resource taskHub 'Microsoft.DurableTask/schedulers/taskHubs@2025-04-01-preview' = {
  parent: scheduler
  name: taskHubName
}

output name string = scheduler.name
output endpoint string = scheduler.properties.endpoint
output taskHubName string = taskHub.name
