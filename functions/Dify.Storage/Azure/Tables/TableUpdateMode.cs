namespace Dify.Storage.Azure.Tables;

/// <summary>How a write treats properties already on the entity.</summary>
public enum TableUpdateMode
{
    /// <summary>The entity becomes exactly what is sent (missing properties are dropped).</summary>
    Replace,

    /// <summary>Sent properties are added or overwritten; the others stay.</summary>
    Merge,
}
