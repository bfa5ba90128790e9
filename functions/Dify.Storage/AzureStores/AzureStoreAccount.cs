using Azure.Core;
using Dify.Storage.Azure.Blobs;
using Dify.Storage.Azure.Connection;
using Dify.Storage.Azure.Tables;
using Dify.Storage.AzureStores.Tables;

namespace Dify.Storage.AzureStores;

/// <summary>
/// The storage account behind the Azure store adapters: one table client, one blob client and one
/// entity-group-transaction client, plus the table and container names. Create one and share it.
/// </summary>
public sealed class AzureStoreAccount
{
    /// <summary>From a storage connection string (account key, SAS or <c>UseDevelopmentStorage=true</c>).</summary>
    public AzureStoreAccount(string connectionString, AzureStoreOptions? options = null)
        : this(StorageConnectionString.Parse(connectionString), options)
    {
    }

    public AzureStoreAccount(StorageConnectionString connection, AzureStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Options = Validate(options);
        Tables = new TableStoreClient(connection, Options.Storage);
        Blobs = new BlobStoreClient(connection, Options.Storage);
        Transactions = new TableTransactionClient(Tables.ServiceUri, (object?)connection.SharedKey ?? connection.SharedAccessSignature, Options.Storage);
    }

    /// <summary>Entra ID (managed identity): https table and blob endpoints of the same account.</summary>
    public AzureStoreAccount(Uri tableEndpoint, Uri blobEndpoint, TokenCredential credential, AzureStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(credential);
        Options = Validate(options);
        Tables = new TableStoreClient(tableEndpoint, credential, Options.Storage);
        Blobs = new BlobStoreClient(blobEndpoint, credential, Options.Storage);
        Transactions = new TableTransactionClient(Tables.ServiceUri, credential, Options.Storage);
    }

    public AzureStoreOptions Options { get; }
    public TableStoreClient Tables { get; }
    public BlobStoreClient Blobs { get; }
    public TableTransactionClient Transactions { get; }

    internal string AppsTable => Options.TablePrefix + "apps";
    internal string ApiKeysTable => Options.TablePrefix + "apikeys";
    internal string EndUsersTable => Options.TablePrefix + "endusers";
    internal string ConversationsTable => Options.TablePrefix + "conversations";
    internal string RunsTable => Options.TablePrefix + "runs";
    internal string RunEventsTable => Options.TablePrefix + "runevents";

    /// <summary>Creates every table and container the adapters use (idempotent; run once at startup).</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        foreach (var table in new[] { AppsTable, ApiKeysTable, EndUsersTable, ConversationsTable, RunsTable, RunEventsTable })
        {
            await Tables.CreateTableIfNotExistsAsync(table, cancellationToken).ConfigureAwait(false);
        }
        await Blobs.CreateContainerIfNotExistsAsync(Options.TemplatesContainer, cancellationToken).ConfigureAwait(false);
        await Blobs.CreateContainerIfNotExistsAsync(Options.RunEventsContainer, cancellationToken).ConfigureAwait(false);
    }

    private static AzureStoreOptions Validate(AzureStoreOptions? options)
    {
        options ??= new AzureStoreOptions();
        if (!options.TablePrefix.All(char.IsAsciiLetterOrDigit) || (options.TablePrefix.Length > 0 && !char.IsAsciiLetter(options.TablePrefix[0])))
        {
            throw new ArgumentException("TablePrefix must be ASCII letters and digits, starting with a letter.", nameof(options));
        }
        return options;
    }
}
