using System.Buffers.Binary;

namespace Pipeline.ImageIO.Dicom;

/// <summary>Decodes the stored values of one frame of a grayscale image: native (either byte order) or RLE Lossless; other codecs are refused by name.</summary>
internal static class DicomPixels
{
    /// <summary>The frame's stored values, row by row (signed values sign-extended from BitsStored).</summary>
    /// <exception cref="InvalidDataException">The pixel data are missing, short, not grayscale, or in a codec this reader does not decode.</exception>
    public static int[] Frame(DicomFile file, int frame, int frames)
    {
        var ds = file.Dataset;
        var rows = (int)(ds.GetInteger(DicomTags.Rows) ?? throw new InvalidDataException("the image has no Rows (0028,0010)"));
        var columns = (int)(ds.GetInteger(DicomTags.Columns) ?? throw new InvalidDataException("the image has no Columns (0028,0011)"));
        var bits = (int)(ds.GetInteger(DicomTags.BitsAllocated) ?? 16);
        var stored = (int)(ds.GetInteger(DicomTags.BitsStored) ?? bits);
        var signed = ds.GetInteger(DicomTags.PixelRepresentation) == 1;
        var samples = ds.GetInteger(DicomTags.SamplesPerPixel) ?? 1;
        if (samples != 1) throw new InvalidDataException($"the image has {samples} samples per pixel ({ds.GetString(DicomTags.PhotometricInterpretation)}); only grayscale images are read");
        if (bits is not (8 or 16)) throw new InvalidDataException($"BitsAllocated is {bits}; 8 and 16 are read");
        if (stored < 1 || stored > bits) throw new InvalidDataException($"BitsStored is {stored} with BitsAllocated {bits}");
        if (rows < 1 || columns < 1 || (long)rows * columns > 1 << 28) throw new InvalidDataException($"the image is {rows}x{columns}");
        var pixelData = ds.Get(DicomTags.PixelData) ?? throw new InvalidDataException("the file has no Pixel Data (7FE0,0010)");
        var bytesPerPixel = bits / 8;
        var frameBytes = (long)rows * columns * bytesPerPixel;

        byte[] raw;
        var bigEndian = !file.Syntax.LittleEndian;
        switch (file.Syntax.Pixels)
        {
            case PixelEncoding.Native when pixelData.Fragments is null:
                if ((frame + 1L) * frameBytes > pixelData.Value.Length)
                    throw new InvalidDataException($"the pixel data hold {pixelData.Value.Length} bytes; {frames} frame(s) of {rows}x{columns}x{bits} bits need {frames * frameBytes}");
                raw = pixelData.Value.AsSpan((int)(frame * frameBytes), (int)frameBytes).ToArray();
                break;
            case PixelEncoding.Rle when pixelData.Fragments is { } fragments:
                raw = DicomRle.Decode(FrameFragment(fragments, frame, frames), rows * columns, bytesPerPixel);
                bigEndian = false;
                break;
            case PixelEncoding.JpegLossless when pixelData.Fragments is { } jpeg:
                raw = JpegLosslessDecoder.Decode(FrameFragment(jpeg, frame, frames), rows, columns, bytesPerPixel);
                bigEndian = false;
                break;
            case PixelEncoding.Rle or PixelEncoding.Native or PixelEncoding.JpegLossless:
                throw new InvalidDataException($"the pixel data are {(pixelData.Fragments is null ? "not encapsulated" : "encapsulated")}, which {file.Syntax} does not allow");
            default:
                throw new InvalidDataException(
                    $"the pixel data are compressed with {file.Syntax}, which this reader does not decode; decompress the series first, " +
                    "e.g. with dcmtk (dcmdjpeg, dcmdjpls, dcmdrle) or gdcmconv --raw");
        }

        var values = new int[rows * columns];
        var shift = 32 - stored;
        for (var p = 0; p < values.Length; p++)
        {
            int v = bytesPerPixel == 1 ? raw[p]
                : bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(raw.AsSpan(2 * p)) : BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(2 * p));
            // Only BitsStored bits count; signed values are sign-extended from the highest of them.
            values[p] = signed ? (v << shift) >> shift : (int)((uint)(v << shift) >> shift);
        }
        return values;
    }

    // Frame i's compressed data: one fragment per frame, or all fragments for a single frame.
    private static byte[] FrameFragment(IReadOnlyList<byte[]> fragments, int frame, int frames)
    {
        var data = fragments.Skip(1).ToList();
        if (frames == 1) return data.Count == 1 ? data[0] : [.. data.SelectMany(f => f)];
        if (data.Count != frames) throw new InvalidDataException($"the encapsulated pixel data hold {data.Count} fragments for {frames} frames");
        return data[frame];
    }
}
