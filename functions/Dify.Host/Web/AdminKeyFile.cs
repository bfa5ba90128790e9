using System.Security.Cryptography;

namespace Dify.Host.Web;

/// <summary>
/// The console's admin key when <c>Admin:ApiKey</c> is not configured: generated on first start,
/// kept in <c>admin.key</c> in the data folder (owner-only on Unix), printed once to stderr.
/// </summary>
public static class AdminKeyFile
{
    public const string FileName = "admin.key";

    public static async Task<string> GetOrCreateAsync(string dataDirectory, TextWriter announce, CancellationToken cancellationToken)
    {
        var path = Path.Combine(dataDirectory, FileName);
        if (File.Exists(path))
        {
            var existing = (await File.ReadAllTextAsync(path, cancellationToken)).Trim();
            if (existing.Length > 0) return existing;
        }
        var key = "admin-" + RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 32);
        Directory.CreateDirectory(dataDirectory);
        await File.WriteAllTextAsync(path, key + "\n", cancellationToken);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await announce.WriteLineAsync($"Generated the admin API key (kept in {path}); use it as 'Authorization: Bearer <key>' on /console/api:\n{key}");
        return key;
    }
}
