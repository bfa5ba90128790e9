namespace Dify.Edge.Inference.Imaging;

/// <summary>One image component of a frame and the sample plane its blocks decode into.</summary>
internal sealed class JpegComponent(int id, int horizontal, int vertical, int quantTable)
{
    public int Id { get; } = id;

    public int H { get; } = horizontal;

    public int V { get; } = vertical;

    public int QuantTable { get; } = quantTable;

    /// <summary>Samples that carry image data: ceil(image width * H / Hmax) (libjpeg's downsampled_width).</summary>
    public int Width { get; set; }

    public int Height { get; set; }

    /// <summary>Blocks per line and per column, padded to whole MCUs; the plane holds all of them.</summary>
    public int BlocksPerLine { get; set; }

    public int BlocksPerColumn { get; set; }

    public byte[] Plane { get; set; } = [];

    public int Stride => BlocksPerLine * 8;

    public bool Decoded { get; set; }
}

/// <summary>SOF header of a sequential 8-bit frame with its components laid out in MCUs.</summary>
internal sealed class JpegFrame
{
    public JpegFrame(int width, int height, JpegComponent[] components)
    {
        Width = width;
        Height = height;
        Components = components;
        MaxH = components.Max(c => c.H);
        MaxV = components.Max(c => c.V);
        McusPerLine = (width + (8 * MaxH) - 1) / (8 * MaxH);
        McusPerColumn = (height + (8 * MaxV) - 1) / (8 * MaxV);
        foreach (var component in components)
        {
            component.Width = (int)(((long)width * component.H + MaxH - 1) / MaxH);
            component.Height = (int)(((long)height * component.V + MaxV - 1) / MaxV);
            component.BlocksPerLine = McusPerLine * component.H;
            component.BlocksPerColumn = McusPerColumn * component.V;
        }
    }

    public int Width { get; }

    public int Height { get; }

    public JpegComponent[] Components { get; }

    public int MaxH { get; }

    public int MaxV { get; }

    public int McusPerLine { get; }

    public int McusPerColumn { get; }

    /// <summary>Allocates the sample planes; done only after the size limit has been checked.</summary>
    public void AllocatePlanes()
    {
        foreach (var component in Components) component.Plane = new byte[component.Stride * component.BlocksPerColumn * 8];
    }
}
