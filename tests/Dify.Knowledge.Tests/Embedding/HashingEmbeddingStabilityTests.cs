using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Dify.Knowledge.Embedding;

namespace Dify.Knowledge.Tests.Embedding;

/// <summary>
/// The embedded embedder's vectors are stored in knowledge files and compared with query vectors made later, perhaps by
/// a newer release: any change to its output (a speed-up that reorders float additions, a new stopword, another hash)
/// silently breaks every existing dataset. This pins the exact bytes of a few vectors; change it only together with a
/// new model name (<see cref="HashingEmbeddingModel.ModelName"/>) so old datasets keep their own.
/// </summary>
public sealed class HashingEmbeddingStabilityTests
{
    [Fact]
    public void Vectors_are_bit_for_bit_those_of_hashing_384()
    {
        var model = new HashingEmbeddingModel();
        string[] texts = ["Tighten the M8 bolts to 25 newton metres.", "Émigré naïve straße: which spindle DOES warm up?", "日本語のテスト文です", "a"];
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var text in texts) sha.AppendData(MemoryMarshal.AsBytes(model.Embed(text).AsSpan()));

        Assert.Equal("hashing-384", HashingEmbeddingModel.ModelName);
        Assert.Equal("21E8FE7B3E1BAEC9E5E6A242775C76C04CE1FAE654A23912530009A5EC3BB610", Convert.ToHexString(sha.GetHashAndReset()));
    }
}
