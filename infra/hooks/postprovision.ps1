# azd postprovision hook (Windows): make sure Key Vault holds the admin API key. The function app reads
# it through a Key Vault reference (Admin__ApiKey). When ADMIN_API_KEY is set, Bicep stored it already;
# otherwise a random key is generated once and kept across later provisions.
$ErrorActionPreference = 'Stop'

$vault = $env:AZURE_KEY_VAULT_NAME
$secret = $env:ADMIN_API_KEY_SECRET_NAME
if (-not $vault -or -not $secret) {
    throw 'AZURE_KEY_VAULT_NAME / ADMIN_API_KEY_SECRET_NAME are not set: run azd provision first.'
}

if ($env:ADMIN_API_KEY) {
    Write-Host "postprovision: ADMIN_API_KEY is set; Bicep stored it in Key Vault secret '$secret'."
    exit 0
}

if (-not (Get-Command az -ErrorAction SilentlyContinue)) {
    throw 'postprovision: the Azure CLI (az) is required to store the admin API key (see docs/deploy-azure.md).'
}

# The developer's Key Vault Secrets Officer assignment was just created; Key Vault's data plane may
# take a few minutes to see it, so retry while the answer is Forbidden.
for ($attempt = 1; ; $attempt++) {
    $out = az keyvault secret show --vault-name $vault --name $secret --query id -o tsv 2>&1
    if ($LASTEXITCODE -eq 0) {
        Write-Host "postprovision: admin API key already in Key Vault secret '$secret'; keeping it."
        exit 0
    }
    if ("$out" -match 'SecretNotFound') { break }
    if ($attempt -ge 12) { throw "postprovision: cannot read Key Vault '$vault': $out" }
    Write-Host "postprovision: Key Vault not readable yet (role assignment propagating); retrying in 15 s ($attempt/12)"
    Start-Sleep -Seconds 15
}

$bytes = [byte[]]::new(32)
[System.Security.Cryptography.RandomNumberGenerator]::Fill($bytes)
$key = -join ($bytes | ForEach-Object { $_.ToString('x2') })
for ($attempt = 1; ; $attempt++) {
    az keyvault secret set --vault-name $vault --name $secret --value $key --content-type 'Dify Functions admin API key' --output none
    if ($LASTEXITCODE -eq 0) { break }
    if ($attempt -ge 12) { throw "postprovision: cannot write Key Vault secret '$secret'." }
    Write-Host "postprovision: retrying in 15 s ($attempt/12)"
    Start-Sleep -Seconds 15
}
Write-Host "postprovision: generated the admin API key and stored it in Key Vault secret '$secret'."
Write-Host "  read it with: az keyvault secret show --vault-name $vault --name $secret --query value -o tsv"
