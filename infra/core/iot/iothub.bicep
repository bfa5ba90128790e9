// IoT Hub: devices and IoT Edge modules send events up; the function reads them from the built-in
// Event Hub-compatible endpoint ('events') through its own consumer group.
// Once a hub has any custom route, messages reach the built-in endpoint only through a route, so one
// route sends every device message to 'events' and the fallback route keeps the default behaviour.
param name string
param location string
param tags object = {}
@allowed([ 'S1', 'S2', 'S3' ])
@description('S1 or higher: IoT Edge deployments and cloud-to-device messaging need a standard tier.')
param skuName string = 'S1'
param skuCapacity int = 1
@description('Partitions of the built-in endpoint (fixed after creation).')
param partitionCount int = 4
param retentionTimeInDays int = 1
@description('Consumer group of the function app on the built-in endpoint.')
param consumerGroupName string

resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
    capacity: skuCapacity
  }
  properties: {
    eventHubEndpoints: {
      events: {
        retentionTimeInDays: retentionTimeInDays
        partitionCount: partitionCount
      }
    }
    routing: {
      endpoints: {
        serviceBusQueues: []
        serviceBusTopics: []
        eventHubs: []
        storageContainers: []
      }
      routes: [
        {
          name: 'DeviceMessagesToEvents'
          source: 'DeviceMessages'
          condition: 'true'
          endpointNames: [
            'events'
          ]
          isEnabled: true
        }
      ]
      fallbackRoute: {
        name: '$fallback'
        source: 'DeviceMessages'
        condition: 'true'
        endpointNames: [
          'events'
        ]
        isEnabled: true
      }
    }
  }
}

resource consumerGroup 'Microsoft.Devices/IotHubs/eventHubEndpoints/ConsumerGroups@2023-06-30' = {
  name: '${hub.name}/events/${consumerGroupName}'
  properties: {
    name: consumerGroupName
  }
}

output name string = hub.name
output resourceId string = hub.id
output hostName string = hub.properties.hostName
@description('Event Hub-compatible name of the built-in endpoint (the EventHubTrigger eventHubName).')
output eventHubName string = hub.properties.eventHubEndpoints.events.path
output eventHubEndpoint string = hub.properties.eventHubEndpoints.events.endpoint
output consumerGroupName string = consumerGroupName
