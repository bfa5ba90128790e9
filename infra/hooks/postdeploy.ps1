# azd postdeploy hook (Windows). Same steps as postdeploy.sh:
# 1. Event Grid subscriptions for the blob triggers (Source = BlobTriggerSource.EventGrid): documents ->
#    IngestDocument, templates -> ImportTemplate; created here because their webhook URL carries the
#    blobs_extension system key, which exists only once the code is deployed.
# 2. IoT Edge: build and push the edge module image, apply edge-module/deployment.template.json to
#    IOT_EDGE_DEVICE_ID; skipped with a message when it is not set or the edge-module files are absent.
# Inputs besides the Bicep outputs: BLOB_TRIGGER_FUNCTION_NAME, IOT_EDGE_DEVICE_ID, EDGE_MODULE_IMAGE_NAME,
# EDGE_IMAGE_TAG, EDGE_PLATFORM, EDGE_REGISTRY_USERNAME, EDGE_REGISTRY_PASSWORD (see postdeploy.sh).
$ErrorActionPreference = 'Stop'
Set-Location (Join-Path $PSScriptRoot '../..')

function Require([string] $value, [string] $name) {
    if (-not $value) { throw "$name is not set: run azd provision first." }
    return $value
}
function Invoke-Az {
    az @args
    if ($LASTEXITCODE -ne 0) { throw "az $($args -join ' ') failed ($LASTEXITCODE)" }
}

$group = Require $env:AZURE_RESOURCE_GROUP 'AZURE_RESOURCE_GROUP'
$app = Require $env:AZURE_FUNCTION_APP_NAME 'AZURE_FUNCTION_APP_NAME'
if (-not (Get-Command az -ErrorAction SilentlyContinue)) {
    throw 'postdeploy: the Azure CLI (az) is required (see docs/deploy-azure.md).'
}

# 1. Event Grid subscriptions: documents and templates containers -> blob extension webhook
function Get-BlobsExtensionKey {
    $baseUri = if ($env:SERVICE_FUNCTIONS_URI) { $env:SERVICE_FUNCTIONS_URI } else { "https://$app.azurewebsites.net" }
    $key = ''
    for ($attempt = 1; $attempt -le 8; $attempt++) {
        try { Invoke-WebRequest -Uri "$baseUri/" -TimeoutSec 30 -UseBasicParsing | Out-Null } catch { }
        $key = az functionapp keys list --name $app --resource-group $group --query 'systemKeys.blobs_extension' -o tsv 2>$null
        if ($LASTEXITCODE -eq 0 -and $key) { break }
        Write-Host "postdeploy: waiting for the blobs_extension system key ($attempt/8)"
        Start-Sleep -Seconds 15
    }
    return $key
}

function Add-BlobSubscription([string] $topic, [string] $container, [string] $functionName, [string] $key) {
    $endpoint = "https://$app.azurewebsites.net/runtime/webhooks/blobs?functionName=Host.Functions.$functionName&code=$key"
    # On Windows az is a .cmd script: cmd.exe would cut the URL at '&' unless it arrives quoted.
    if ($IsWindows) { $endpoint = '"' + $endpoint + '"' }
    Invoke-Az eventgrid system-topic event-subscription create `
        --name "$container-blob-created" `
        --resource-group $group `
        --system-topic-name $topic `
        --endpoint-type webhook `
        --endpoint $endpoint `
        --included-event-types Microsoft.Storage.BlobCreated `
        --subject-begins-with "/blobServices/default/containers/$container/blobs/" `
        --output none
    Write-Host "postdeploy: Event Grid subscription '$container-blob-created' -> Host.Functions.$functionName"
}

function Add-BlobTriggerSubscriptions {
    $topic = Require $env:AZURE_EVENTGRID_SYSTEM_TOPIC_NAME 'AZURE_EVENTGRID_SYSTEM_TOPIC_NAME'
    $documents = Require $env:AZURE_DOCUMENTS_CONTAINER_NAME 'AZURE_DOCUMENTS_CONTAINER_NAME'
    $templates = Require $env:AZURE_TEMPLATES_CONTAINER_NAME 'AZURE_TEMPLATES_CONTAINER_NAME'
    $functionName = if ($env:BLOB_TRIGGER_FUNCTION_NAME) { $env:BLOB_TRIGGER_FUNCTION_NAME } else { 'IngestDocument' }
    $key = Get-BlobsExtensionKey
    if (-not $key) {
        Write-Warning "postdeploy: no blobs_extension system key on ${app}: the deployed app has no blob trigger yet (or its host did not start). The Event Grid subscriptions for '$documents' and '$templates' were not created; run 'azd hooks run postdeploy' once the blob-triggered functions are deployed."
        return
    }
    Add-BlobSubscription $topic $documents $functionName $key
    # DSL files dropped at templates/{name} become apps (the app store's own versions/ copies are skipped by the function).
    Add-BlobSubscription $topic $templates 'ImportTemplate' $key
}

# 2. IoT Edge module image + deployment
function ConvertTo-JsonText([string] $s) { return $s.Replace('\', '\\').Replace('"', '\"') }
function Placeholder([string] $name) { return '${' + $name + '}' }

function Deploy-Edge {
    $device = $env:IOT_EDGE_DEVICE_ID
    if (-not $device) {
        Write-Host 'postdeploy: IOT_EDGE_DEVICE_ID is not set: skipping the IoT Edge module.'
        Write-Host '  (to deploy it: azd env set IOT_EDGE_DEVICE_ID <device-id>; azd deploy)'
        return
    }
    $dockerfile = 'edge-module/Dockerfile'
    $template = 'edge-module/deployment.template.json'
    if (-not (Test-Path $dockerfile) -or -not (Test-Path $template)) {
        Write-Host "postdeploy: $dockerfile or $template does not exist yet: skipping the IoT Edge module."
        return
    }

    $registry = Require $env:AZURE_CONTAINER_REGISTRY_NAME 'AZURE_CONTAINER_REGISTRY_NAME'
    $loginServer = Require $env:AZURE_CONTAINER_REGISTRY_ENDPOINT 'AZURE_CONTAINER_REGISTRY_ENDPOINT'
    $hub = Require $env:AZURE_IOT_HUB_NAME 'AZURE_IOT_HUB_NAME'
    $tag = $env:EDGE_IMAGE_TAG
    if (-not $tag) {
        $tag = git rev-parse --short HEAD 2>$null
        if ($LASTEXITCODE -ne 0 -or -not $tag) { $tag = (Get-Date).ToUniversalTime().ToString('yyyyMMddHHmmss') }
    }
    $platform = if ($env:EDGE_PLATFORM) { $env:EDGE_PLATFORM } else { 'linux/amd64' }
    $imageName = if ($env:EDGE_MODULE_IMAGE_NAME) { $env:EDGE_MODULE_IMAGE_NAME } else { 'dify-edge' }
    $image = "$loginServer/${imageName}:$tag"

    Write-Host "postdeploy: building $image ($platform)"
    $dockerUp = $false
    if (Get-Command docker -ErrorAction SilentlyContinue) {
        docker info *> $null
        $dockerUp = $LASTEXITCODE -eq 0
    }
    if ($dockerUp) {
        Invoke-Az acr login --name $registry
        docker buildx build --platform $platform --file $dockerfile --tag $image --push .
        if ($LASTEXITCODE -ne 0) { throw 'docker buildx build failed' }
    } else {
        Write-Host 'postdeploy: no running Docker: building in the registry with az acr build'
        Invoke-Az acr build --registry $registry --platform $platform --file $dockerfile --image "${imageName}:$tag" .
    }

    az extension show --name azure-iot *> $null
    if ($LASTEXITCODE -ne 0) { Invoke-Az extension add --name azure-iot --yes }
    az iot hub device-identity show --hub-name $hub --device-id $device *> $null
    if ($LASTEXITCODE -ne 0) {
        Write-Host "postdeploy: creating IoT Edge device identity '$device'"
        Invoke-Az iot hub device-identity create --hub-name $hub --device-id $device --edge-enabled --output none
        Write-Host '  its connection string (for /etc/aziot/config.toml):'
        Write-Host "  az iot hub device-identity connection-string show --hub-name $hub --device-id $device -o tsv"
    }

    $username = "$env:EDGE_REGISTRY_USERNAME"
    $password = "$env:EDGE_REGISTRY_PASSWORD"
    $manifest = Get-Content -Raw $template
    $manifest = [regex]::Replace($manifest, '\$\{MODULES\.[A-Za-z0-9_.-]+\}', { param($m) $image })
    if (-not $username -and $manifest.Contains((Placeholder 'CONTAINER_REGISTRY_USERNAME'))) {
        Write-Warning "postdeploy: EDGE_REGISTRY_USERNAME/EDGE_REGISTRY_PASSWORD are not set: the device cannot pull from $loginServer (see docs/deploy-azure.md, 'Enroll an IoT Edge device')."
    }
    $manifest = $manifest.Replace((Placeholder 'EDGE_MODULE_IMAGE'), $image)
    $manifest = $manifest.Replace((Placeholder 'CONTAINER_REGISTRY_ADDRESS'), $loginServer)
    $manifest = $manifest.Replace((Placeholder 'CONTAINER_REGISTRY_USERNAME'), (ConvertTo-JsonText $username))
    $manifest = $manifest.Replace((Placeholder 'CONTAINER_REGISTRY_PASSWORD'), (ConvertTo-JsonText $password))
    $left = [regex]::Matches($manifest, '\$\{[A-Za-z0-9_.]+\}') | ForEach-Object { $_.Value } | Sort-Object -Unique
    if ($left) { throw "postdeploy: $template still has placeholders this hook does not fill: $($left -join ' ')" }

    $content = Join-Path ([System.IO.Path]::GetTempPath()) "deployment.$([guid]::NewGuid().ToString('N')).json"
    Set-Content -Path $content -Value $manifest -Encoding utf8NoBOM
    try {
        Invoke-Az iot edge set-modules --hub-name $hub --device-id $device --content $content --output none
    } finally {
        Remove-Item -Force $content
    }
    Write-Host "postdeploy: applied $template ($image) to IoT Edge device '$device' on $hub"
}

Add-BlobTriggerSubscriptions
Deploy-Edge
