#!/usr/bin/env bash
# azd postprovision hook: make sure Key Vault holds the admin API key. The function app reads it
# through a Key Vault reference (Admin__ApiKey). When ADMIN_API_KEY is set, Bicep stored it already;
# otherwise a random key is generated once and kept across later provisions.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -euo pipefail

: "${AZURE_KEY_VAULT_NAME:?is not set: run azd provision first}"
: "${ADMIN_API_KEY_SECRET_NAME:?is not set: run azd provision first}"

vault="$AZURE_KEY_VAULT_NAME"
secret="$ADMIN_API_KEY_SECRET_NAME"

if [ -n "${ADMIN_API_KEY:-}" ]; then
  echo "postprovision: ADMIN_API_KEY is set; Bicep stored it in Key Vault secret '$secret'."
  exit 0
fi

if ! command -v az >/dev/null 2>&1; then
  echo "postprovision: the Azure CLI (az) is required to store the admin API key (see docs/deploy-azure.md)." >&2
  exit 1
fi

# The developer's Key Vault Secrets Officer assignment was just created; Key Vault's data plane may
# take a few minutes to see it, so retry while the answer is Forbidden.
attempt=1
while :; do
  if out=$(az keyvault secret show --vault-name "$vault" --name "$secret" --query id -o tsv 2>&1); then
    echo "postprovision: admin API key already in Key Vault secret '$secret'; keeping it."
    exit 0
  fi
  case "$out" in
    *SecretNotFound*) break ;;
  esac
  if [ "$attempt" -ge 12 ]; then
    echo "$out" >&2
    echo "postprovision: cannot read Key Vault '$vault' (see above)." >&2
    exit 1
  fi
  echo "postprovision: Key Vault not readable yet (role assignment propagating); retrying in 15 s ($attempt/12)"
  sleep 15
  attempt=$((attempt + 1))
done

key=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
attempt=1
until az keyvault secret set --vault-name "$vault" --name "$secret" --value "$key" \
        --content-type "Dify Functions admin API key" --output none; do
  if [ "$attempt" -ge 12 ]; then
    echo "postprovision: cannot write Key Vault secret '$secret'." >&2
    exit 1
  fi
  echo "postprovision: retrying in 15 s ($attempt/12)"
  sleep 15
  attempt=$((attempt + 1))
done
echo "postprovision: generated the admin API key and stored it in Key Vault secret '$secret'."
echo "  read it with: az keyvault secret show --vault-name $vault --name $secret --query value -o tsv"
