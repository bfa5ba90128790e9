namespace Dify.Api.Datasets;

/// <summary>
/// Serialises dataset creates and renames within one host so that the duplicate-name check and the write are one step
/// (Dify answers 409 <c>dataset_name_duplicate</c>). One per host, from DI; across scaled-out instances it is best effort.
/// </summary>
public sealed class DatasetNameGate : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Release(_gate);
    }

    public void Dispose() => _gate.Dispose();

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) gate.Release();
        }
    }
}
