#!/usr/bin/env bash
# azd postdeploy hook.
# 1. Event Grid subscriptions for the blob triggers (Source = BlobTriggerSource.EventGrid): documents ->
#    IngestDocument, templates -> ImportTemplate. Created here, not in Bicep, because their webhook URL
#    carries the app's blobs_extension system key, which exists only once the code is deployed and the
#    host has loaded the blob extension.
# 2. IoT Edge: build and push the edge module image to the registry, then apply
#    edge-module/deployment.template.json to the device IOT_EDGE_DEVICE_ID. Skipped with a message when
#    IOT_EDGE_DEVICE_ID is not set or the edge-module files are not there.
#
# Inputs besides the Bicep outputs (set with `azd env set NAME VALUE`):
#   BLOB_TRIGGER_FUNCTION_NAME  name of the documents blob-triggered function (default IngestDocument)
#   IOT_EDGE_DEVICE_ID          IoT Edge device to deploy to (unset: skip the edge part)
#   EDGE_MODULE_IMAGE_NAME      repository name in the registry (default dify-edge)
#   EDGE_IMAGE_TAG              image tag (default: git short commit, else a timestamp)
#   EDGE_PLATFORM               docker platform (default linux/amd64; linux/arm64 for Jetson-class devices)
#   EDGE_REGISTRY_USERNAME      credentials the device pulls with (service principal or token with AcrPull)
#   EDGE_REGISTRY_PASSWORD
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -euo pipefail
shopt -u patsub_replacement 2>/dev/null || true
cd "$(dirname "$0")/../.."

: "${AZURE_RESOURCE_GROUP:?is not set: run azd provision first}"
: "${AZURE_FUNCTION_APP_NAME:?is not set: run azd provision first}"

if ! command -v az >/dev/null 2>&1; then
  echo "postdeploy: the Azure CLI (az) is required (see docs/deploy-azure.md)." >&2
  exit 1
fi

# ---------------------------------------------------------------------------------------------------
# 1. Event Grid subscriptions: documents and templates containers -> blob extension webhook
# ---------------------------------------------------------------------------------------------------
# Prints the blobs_extension system key, or nothing when the deployed app has no blob trigger (yet).
blobs_extension_key() {
  local app="$AZURE_FUNCTION_APP_NAME" group="$AZURE_RESOURCE_GROUP" key="" attempt
  # Wake the host (Flex Consumption scales to zero) so the blob extension registers its system key.
  for attempt in 1 2 3 4 5 6 7 8; do
    curl -s -o /dev/null -m 30 "${SERVICE_FUNCTIONS_URI:-https://$app.azurewebsites.net}/" || true
    key=$(az functionapp keys list --name "$app" --resource-group "$group" \
            --query "systemKeys.blobs_extension" -o tsv 2>/dev/null || true)
    [ -n "$key" ] && break
    echo "postdeploy: waiting for the blobs_extension system key ($attempt/8)" >&2
    sleep 15
  done
  printf '%s' "$key"
}

# subscribe CONTAINER FUNCTION KEY: BlobCreated events of CONTAINER go to the blob-triggered FUNCTION.
subscribe() {
  local container="$1" function_name="$2" key="$3"
  local endpoint="https://$AZURE_FUNCTION_APP_NAME.azurewebsites.net/runtime/webhooks/blobs?functionName=Host.Functions.$function_name&code=$key"
  az eventgrid system-topic event-subscription create \
    --name "$container-blob-created" \
    --resource-group "$AZURE_RESOURCE_GROUP" \
    --system-topic-name "$AZURE_EVENTGRID_SYSTEM_TOPIC_NAME" \
    --endpoint-type webhook \
    --endpoint "$endpoint" \
    --included-event-types Microsoft.Storage.BlobCreated \
    --subject-begins-with "/blobServices/default/containers/$container/blobs/" \
    --output none
  echo "postdeploy: Event Grid subscription '$container-blob-created' -> Host.Functions.$function_name"
}

subscribe_blob_triggers() {
  : "${AZURE_EVENTGRID_SYSTEM_TOPIC_NAME:?is not set: run azd provision first}"
  local documents="${AZURE_DOCUMENTS_CONTAINER_NAME:?is not set: run azd provision first}"
  local templates="${AZURE_TEMPLATES_CONTAINER_NAME:?is not set: run azd provision first}"
  local key
  key=$(blobs_extension_key)
  if [ -z "$key" ]; then
    echo "postdeploy: WARNING: no blobs_extension system key on $AZURE_FUNCTION_APP_NAME: the deployed app has no blob trigger yet"
    echo "  (or its host did not start). The Event Grid subscriptions for '$documents' and '$templates' were not created;"
    echo "  run 'azd hooks run postdeploy' once the blob-triggered functions are deployed."
    return 0
  fi
  subscribe "$documents" "${BLOB_TRIGGER_FUNCTION_NAME:-IngestDocument}" "$key"
  # DSL files dropped at templates/{name} become apps (the app store's own versions/ copies are skipped by the function).
  subscribe "$templates" ImportTemplate "$key"
}

# ---------------------------------------------------------------------------------------------------
# 2. IoT Edge module image + deployment
# ---------------------------------------------------------------------------------------------------
placeholder() { printf '${%s}' "$1"; }

json_escape() {
  local s="$1"
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  printf '%s' "$s"
}

deploy_edge() {
  local device="${IOT_EDGE_DEVICE_ID:-}"
  if [ -z "$device" ]; then
    echo "postdeploy: IOT_EDGE_DEVICE_ID is not set: skipping the IoT Edge module."
    echo "  (to deploy it: azd env set IOT_EDGE_DEVICE_ID <device-id> && azd deploy)"
    return 0
  fi
  local dockerfile="edge-module/Dockerfile" template="edge-module/deployment.template.json"
  if [ ! -f "$dockerfile" ] || [ ! -f "$template" ]; then
    echo "postdeploy: $dockerfile or $template does not exist yet: skipping the IoT Edge module."
    return 0
  fi

  local registry="${AZURE_CONTAINER_REGISTRY_NAME:?is not set: run azd provision first}"
  local login_server="${AZURE_CONTAINER_REGISTRY_ENDPOINT:?is not set: run azd provision first}"
  local hub="${AZURE_IOT_HUB_NAME:?is not set: run azd provision first}"
  local tag="${EDGE_IMAGE_TAG:-$(git rev-parse --short HEAD 2>/dev/null || date -u +%Y%m%d%H%M%S)}"
  local platform="${EDGE_PLATFORM:-linux/amd64}"
  local image="$login_server/${EDGE_MODULE_IMAGE_NAME:-dify-edge}:$tag"

  echo "postdeploy: building $image ($platform)"
  if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
    az acr login --name "$registry"
    if docker buildx version >/dev/null 2>&1; then
      docker buildx build --platform "$platform" --file "$dockerfile" --tag "$image" --push .
    else
      docker build --platform "$platform" --file "$dockerfile" --tag "$image" .
      docker push "$image"
    fi
  else
    echo "postdeploy: no running Docker: building in the registry with az acr build"
    az acr build --registry "$registry" --platform "$platform" --file "$dockerfile" \
      --image "${image#"$login_server"/}" .
  fi

  az extension show --name azure-iot >/dev/null 2>&1 || az extension add --name azure-iot --yes
  if ! az iot hub device-identity show --hub-name "$hub" --device-id "$device" >/dev/null 2>&1; then
    echo "postdeploy: creating IoT Edge device identity '$device'"
    az iot hub device-identity create --hub-name "$hub" --device-id "$device" --edge-enabled --output none
    echo "  its connection string (for /etc/aziot/config.toml):"
    echo "  az iot hub device-identity connection-string show --hub-name $hub --device-id $device -o tsv"
  fi

  local username="${EDGE_REGISTRY_USERNAME:-}" password="${EDGE_REGISTRY_PASSWORD:-}"
  local manifest
  manifest=$(sed -E "s#\\\$\\{MODULES\\.[A-Za-z0-9_.-]+\\}#$image#g" "$template")
  if [ -z "$username" ] && [[ "$manifest" == *"$(placeholder CONTAINER_REGISTRY_USERNAME)"* ]]; then
    echo "postdeploy: WARNING: EDGE_REGISTRY_USERNAME/EDGE_REGISTRY_PASSWORD are not set: the device"
    echo "  cannot pull from $login_server (see docs/deploy-azure.md, 'Enroll an IoT Edge device')."
  fi
  manifest=${manifest//"$(placeholder EDGE_MODULE_IMAGE)"/"$image"}
  manifest=${manifest//"$(placeholder CONTAINER_REGISTRY_ADDRESS)"/"$login_server"}
  manifest=${manifest//"$(placeholder CONTAINER_REGISTRY_USERNAME)"/"$(json_escape "$username")"}
  manifest=${manifest//"$(placeholder CONTAINER_REGISTRY_PASSWORD)"/"$(json_escape "$password")"}
  if left=$(grep -oE '\$\{[A-Za-z0-9_.]+\}' <<<"$manifest" | sort -u | tr '\n' ' ') && [ -n "$left" ]; then
    echo "postdeploy: $template still has placeholders this hook does not fill: $left" >&2
    return 1
  fi

  local content
  content=$(mktemp "${TMPDIR:-/tmp}/deployment.XXXXXX.json")
  printf '%s\n' "$manifest" >"$content"
  az iot edge set-modules --hub-name "$hub" --device-id "$device" --content "$content" --output none
  rm -f "$content"
  echo "postdeploy: applied $template ($image) to IoT Edge device '$device' on $hub"
}

subscribe_blob_triggers
deploy_edge
