using System.Buffers.Binary;

namespace Pipeline.ImageIO.Dicom;

/// <summary>DICOM RLE Lossless (PS3.5 Annex G): a 64-byte header of segment offsets, one PackBits segment per byte plane, most significant plane first.</summary>
internal static class DicomRle
{
    /// <summary>Decodes one frame of <paramref name="pixels"/> pixels of <paramref name="bytesPerPixel"/> bytes into little-endian samples.</summary>
    public static byte[] Decode(byte[] frame, int pixels, int bytesPerPixel)
    {
        if (frame.Length < 64) throw new InvalidDataException($"an RLE frame of {frame.Length} bytes has no 64-byte header");
        var segments = BinaryPrimitives.ReadInt32LittleEndian(frame);
        if (segments != bytesPerPixel)
            throw new InvalidDataException($"the RLE frame has {segments} segments; a grayscale image of {8 * bytesPerPixel} bits needs {bytesPerPixel}");
        var output = new byte[pixels * bytesPerPixel];
        var plane = new byte[pixels];
        for (var s = 0; s < segments; s++)
        {
            var start = BinaryPrimitives.ReadInt32LittleEndian(frame.AsSpan(4 + 4 * s));
            var end = s + 1 < segments ? BinaryPrimitives.ReadInt32LittleEndian(frame.AsSpan(8 + 4 * s)) : frame.Length;
            if (start < 64 || end > frame.Length || start > end) throw new InvalidDataException($"RLE segment {s} lies at bytes {start}..{end} of a {frame.Length}-byte frame");
            PackBits(frame.AsSpan(start, end - start), plane);
            // Segment 0 holds the most significant bytes.
            var byteInSample = bytesPerPixel - 1 - s;
            for (var p = 0; p < pixels; p++) output[p * bytesPerPixel + byteInSample] = plane[p];
        }
        return output;
    }

    private static void PackBits(ReadOnlySpan<byte> input, Span<byte> output)
    {
        int i = 0, o = 0;
        while (o < output.Length)
        {
            if (i >= input.Length) throw new InvalidDataException($"an RLE segment ends after {o} of {output.Length} bytes");
            var n = (sbyte)input[i++];
            if (n >= 0)
            {
                var count = n + 1;
                if (i + count > input.Length || o + count > output.Length) throw new InvalidDataException("an RLE literal run overruns its segment or the frame");
                input.Slice(i, count).CopyTo(output[o..]);
                i += count;
                o += count;
            }
            else if (n != -128)
            {
                var count = 1 - n;
                if (i >= input.Length || o + count > output.Length) throw new InvalidDataException("an RLE repeat run overruns its segment or the frame");
                output.Slice(o, count).Fill(input[i++]);
                o += count;
            }
        }
    }
}
