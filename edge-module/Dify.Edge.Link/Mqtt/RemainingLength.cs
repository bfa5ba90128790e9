using System.Buffers;

namespace Dify.Edge.Link.Mqtt;

/// <summary>The fixed header's "remaining length": a 1-4 byte little-endian base-128 varint (section 2.2.3).</summary>
internal static class RemainingLength
{
    public const int Max = 268_435_455;

    public static int SizeOf(int value) => value switch
    {
        < 0 or > Max => throw new ArgumentOutOfRangeException(nameof(value), value, $"remaining length must be 0..{Max}"),
        < 128 => 1,
        < 16_384 => 2,
        < 2_097_152 => 3,
        _ => 4,
    };

    public static int Write(int value, Span<byte> destination)
    {
        var size = SizeOf(value);
        for (var i = 0; i < size; i++)
        {
            var digit = (byte)(value % 128);
            value /= 128;
            destination[i] = i < size - 1 ? (byte)(digit | 0x80) : digit;
        }
        return size;
    }

    /// <summary>False when more bytes are needed; throws on a fifth continuation byte.</summary>
    public static bool TryRead(ref SequenceReader<byte> reader, out int value)
    {
        value = 0;
        var multiplier = 1;
        for (var i = 0; i < 4; i++)
        {
            if (!reader.TryRead(out var digit))
            {
                return false;
            }
            value += (digit & 0x7F) * multiplier;
            if ((digit & 0x80) == 0)
            {
                return true;
            }
            multiplier *= 128;
        }
        throw new MqttProtocolException("malformed remaining length: more than 4 bytes");
    }
}
