using System.Runtime.InteropServices;
using System.Text;

namespace Dify.Edge.Inference.Native;

internal static unsafe class Utf8
{
    public static string? Read(byte* text) => text == null ? null : Marshal.PtrToStringUTF8((nint)text);

    /// <summary>A NUL-terminated UTF-8 copy of <paramref name="text"/> in a managed array (pin it for the call).</summary>
    public static byte[] NullTerminated(string text)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }
}
