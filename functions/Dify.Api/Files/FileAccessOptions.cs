namespace Dify.Api.Files;

/// <summary>Signed file URLs (configuration section "Api:Files"), Dify's SECRET_KEY / FILES_URL / FILES_ACCESS_TIMEOUT.</summary>
public sealed class FileAccessOptions
{
    public const string SectionName = "Api:Files";

    /// <summary>
    /// HMAC key for signed preview URLs. Unset: a random key per process, so URLs stop working after a
    /// restart (they expire within minutes anyway). Set it when several instances serve the same files.
    /// </summary>
    public string? SecretKey { get; set; }

    /// <summary>Seconds a signed URL stays valid (Dify's FILES_ACCESS_TIMEOUT, 300).</summary>
    public int AccessTimeoutSeconds { get; set; } = 300;

    /// <summary>Base URL put in front of <c>/files/...</c> (Dify's FILES_URL); unset = the address the request came to.</summary>
    public string? PublicUrl { get; set; }
}
