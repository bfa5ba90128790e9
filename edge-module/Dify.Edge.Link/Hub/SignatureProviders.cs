using System.Security.Cryptography;
using System.Text;

namespace Dify.Edge.Link.Hub;

/// <summary>Signs a SAS string-to-sign: returns base64(HMAC-SHA256(key, UTF-8 data)).</summary>
public interface ISignatureProvider
{
    Task<string> SignAsync(string data, CancellationToken cancellationToken);
}

/// <summary>Signs with a key held in memory (from a connection string).</summary>
public sealed class SharedKeySignatureProvider(string base64Key) : ISignatureProvider
{
    private readonly byte[] _key = Convert.FromBase64String(base64Key);

    public Task<string> SignAsync(string data, CancellationToken cancellationToken) =>
        Task.FromResult(Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(data))));
}

/// <summary>Signs through the IoT Edge workload API, which holds the module key (the module never sees it).</summary>
public sealed class WorkloadSignatureProvider(WorkloadApiClient workload, string moduleId, string generationId) : ISignatureProvider
{
    public Task<string> SignAsync(string data, CancellationToken cancellationToken) =>
        workload.SignAsync(moduleId, generationId, Encoding.UTF8.GetBytes(data), cancellationToken);
}
