using Dify.Testing;
using Microsoft.Data.Sqlite;

namespace Dify.Knowledge.Tests.Index.Keywords;

/// <summary>
/// A real SQLite FTS5 table with the tokenizer the embedded index used (<c>unicode61 remove_diacritics 2</c>) in a temp
/// file: the oracle the keyword index's tokens and BM25 scores must equal.
/// </summary>
internal sealed class Fts5Oracle : IDisposable
{
    private readonly TempDirectory _folder = new("dify-fts5-oracle");
    private readonly SqliteConnection _connection;

    public Fts5Oracle()
    {
        _connection = new SqliteConnection($"Data Source={_folder.Combine("oracle.db")};Pooling=False");
        _connection.Open();
        Execute("""
            CREATE VIRTUAL TABLE chunks_fts USING fts5(content, tokenize='unicode61 remove_diacritics 2');
            CREATE VIRTUAL TABLE chunks_vocab USING fts5vocab(chunks_fts, 'instance');
            """);
    }

    public void Insert(long id, string text) => Execute("INSERT INTO chunks_fts(rowid, content) VALUES ($id, $text)", ("$id", id), ("$text", text));

    public void Delete(long id) => Execute("DELETE FROM chunks_fts WHERE rowid = $id", ("$id", id));

    public void InsertMany(IEnumerable<(long Id, string Text)> rows)
    {
        using var transaction = _connection.BeginTransaction();
        foreach (var (id, text) in rows) Insert(id, text);
        transaction.Commit();
    }

    /// <summary><c>-bm25()</c> of every row matching the OR of <paramref name="terms"/> (each quoted), by row id.</summary>
    public Dictionary<long, double> Scores(IReadOnlyList<string> terms)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT rowid, -bm25(chunks_fts) FROM chunks_fts WHERE chunks_fts MATCH $match ORDER BY rank";
        command.Parameters.AddWithValue("$match", string.Join(" OR ", terms.Select(t => "\"" + t.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"")));
        using var reader = command.ExecuteReader();
        var scores = new Dictionary<long, double>();
        while (reader.Read()) scores.Add(reader.GetInt64(0), reader.GetDouble(1));
        return scores;
    }

    /// <summary>The tokens FTS5 makes of each row, in order (from fts5vocab).</summary>
    public Dictionary<long, List<string>> Tokens()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT doc, term FROM chunks_vocab ORDER BY doc, offset";
        using var reader = command.ExecuteReader();
        var tokens = new Dictionary<long, List<string>>();
        while (reader.Read())
        {
            var doc = reader.GetInt64(0);
            if (!tokens.TryGetValue(doc, out var list)) tokens[doc] = list = [];
            list.Add(reader.GetString(1));
        }
        return tokens;
    }

    public void Dispose()
    {
        _connection.Dispose();
        _folder.Dispose();
    }

    private void Execute(string sql, params (string Name, object Value)[] parameters)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        command.ExecuteNonQuery();
    }
}
