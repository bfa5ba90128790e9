using System.Text;
using Dify.Storage.Azure.Tables;
using Dify.Storage.AzureStores;

namespace Dify.Cloud.Stores;

/// <summary>The tables the cloud-only stores add beside those of <see cref="AzureStoreAccount"/> (same prefix).</summary>
public sealed class CloudTables(AzureStoreAccount account)
{
    public TableStoreClient Client => account.Tables;
    public string Feedback => account.Options.TablePrefix + "feedback";
    public string Uploads => account.Options.TablePrefix + "uploads";
    public string DatasetKeys => account.Options.TablePrefix + "datasetkeys";
    public string KnowledgeAttributes => account.Options.TablePrefix + "kbattributes";
    public string IndexedDocuments => account.Options.TablePrefix + "indexeddocs";

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        foreach (var table in new[] { Feedback, Uploads, DatasetKeys, KnowledgeAttributes, IndexedDocuments })
            await Client.CreateTableIfNotExistsAsync(table, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ids become keys; the characters keys may not hold ('/', '\', '#', '?', controls) are %-escaped.</summary>
    public static string Key(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var sb = new StringBuilder(id.Length);
        foreach (var c in id)
        {
            if (c is '/' or '\\' or '#' or '?' or '%' || char.IsControl(c)) sb.Append('%').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            else sb.Append(c);
        }
        return sb.ToString();
    }
}
