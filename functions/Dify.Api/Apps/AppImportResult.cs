using Dify.Workflows.Dsl;

namespace Dify.Api.Apps;

/// <summary>Dify's import result: <c>{id, status, app_id, app_mode, current_dsl_version, imported_dsl_version, error}</c>.</summary>
public sealed record AppImportResult(string ImportId, DslImportStatus Status, ActiveApp? App, string? AppMode, string CurrentVersion, string? ImportedVersion, string Error);
