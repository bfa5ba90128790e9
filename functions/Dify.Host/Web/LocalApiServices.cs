using Dify.Host.Composition;
using Dify.Storage.Sqlite;

namespace Dify.Host.Web;

/// <summary>
/// The async-started parts of the web host (engine, API database), filled after the container is
/// built and before any service that needs them is resolved.
/// </summary>
public sealed class LocalApiServices
{
    private LocalEngine? _engine;
    private SqliteDatabase? _database;
    private SqliteDatabase? _edgeDatabase;

    public LocalEngine Engine
    {
        get => _engine ?? throw new InvalidOperationException("The engine is not started yet.");
        set => _engine = value;
    }

    public SqliteDatabase Database
    {
        get => _database ?? throw new InvalidOperationException("The API database is not open yet.");
        set => _database = value;
    }

    /// <summary>Device events (<c>edge.db</c>).</summary>
    public SqliteDatabase EdgeDatabase
    {
        get => _edgeDatabase ?? throw new InvalidOperationException("The edge event database is not open yet.");
        set => _edgeDatabase = value;
    }
}
