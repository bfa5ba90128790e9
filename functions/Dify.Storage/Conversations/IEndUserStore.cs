namespace Dify.Storage.Conversations;

public interface IEndUserStore
{
    /// <summary>The end user of this app with this session id, created on first sight.</summary>
    Task<EndUserRecord> GetOrCreateAsync(string appId, string sessionId, CancellationToken cancellationToken);

    Task<EndUserRecord?> FindAsync(string appId, string sessionId, CancellationToken cancellationToken);
}
