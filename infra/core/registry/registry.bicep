// Container Registry for the IoT Edge module image. No admin user: the deployer pushes with Entra ID
// (AcrPush), IoT Edge devices pull with a service principal or token holding AcrPull
// (see docs/deploy-azure.md, "Enroll an IoT Edge device").
param name string
param location string
param tags object = {}
@allowed([ 'Basic', 'Standard', 'Premium' ])
param skuName string = 'Basic'

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
  }
  properties: {
    adminUserEnabled: false
    publicNetworkAccess: 'Enabled'
  }
}

output name string = registry.name
output resourceId string = registry.id
output loginServer string = registry.properties.loginServer
