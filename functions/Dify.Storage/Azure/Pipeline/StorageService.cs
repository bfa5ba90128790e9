namespace Dify.Storage.Azure.Pipeline;

/// <summary>Which service a pipeline talks to; decides the Shared Key flavour and the error body format.</summary>
internal enum StorageService
{
    Blob,
    Table,
}
