namespace Dify.Cloud.Configuration;

/// <summary>
/// Section <c>Storage</c> (app settings <c>Storage__*</c>): the account holding the app's tables and blobs. In Azure the
/// Bicep sets the two endpoints and the app signs in with its identity; locally <see cref="ConnectionString"/> points at Azurite.
/// </summary>
public sealed class CloudStorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>Shared Key / SAS connection string (<c>UseDevelopmentStorage=true</c> for Azurite). Wins over the endpoints.</summary>
    public string? ConnectionString { get; set; }

    /// <summary><c>https://&lt;account&gt;.blob.core.windows.net/</c>, used with the identity.</summary>
    public Uri? BlobEndpoint { get; set; }

    /// <summary><c>https://&lt;account&gt;.table.core.windows.net/</c>, used with the identity.</summary>
    public Uri? TableEndpoint { get; set; }

    /// <summary>Prepended to every table name (letters and digits), so deployments or tests can share an account. Default <c>dify</c>.</summary>
    public string TablePrefix { get; set; } = "dify";

    /// <summary>Container the document blob trigger watches (<c>documents/{dataset}/{name}</c>).</summary>
    public string DocumentsContainer { get; set; } = "documents";

    /// <summary>Container of uploaded files (<c>POST /v1/files/upload</c>) and files made by nodes, one blob per file id.</summary>
    public string FilesContainer { get; set; } = "files";

    /// <summary>Container of app templates: DSL dropped at <c>templates/{name}</c> is imported; the app store keeps versions under <c>versions/</c>.</summary>
    public string TemplatesContainer { get; set; } = "templates";
}
