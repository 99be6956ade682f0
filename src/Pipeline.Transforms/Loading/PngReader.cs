using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Pipeline.Imaging;
using Pipeline.Native;
using StbImageSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Transforms.Loading;

/// <summary>Reads PNG files into 2-D <see cref="MedicalImage"/>s laid out as MONAI's PILReader returns them: [C, x (column), y (row)].</summary>
/// <remarks>
/// <para>Axes: MONAI's PILReader (<c>reverse_indexing=True</c>) swaps PIL's (row, column) to (column, row) so that the first
/// spatial axis runs along the image width, as for NIfTI's i; channels are moved first. Data[c, x, y] is therefore the pixel in
/// column x of row y (row 0 at the top).</para>
/// <para>Geometry: a PNG has none, so the affine is the identity (spacing 1, origin 0), as MONAI gives it.</para>
/// <para>Channels follow PIL's modes: grey → 1, grey+alpha → 2, RGB → 3, RGBA → 4; a tRNS chunk adds no channel. Palette images
/// are expanded to RGB colours (PIL, and so MONAI, would return palette indices instead: convert paletted label maps to greyscale).
/// 1-bit greyscale gives 0/1 as PIL does; 2- and 4-bit greyscale are scaled to 0–255.</para>
/// <para>Voxel types: 8-bit files give uint8; 16-bit files keep all 16 bits as int32 (PIL does the same for greyscale and
/// truncates 16-bit colour to 8 bits; we do not).</para>
/// <para><c>asGrey</c> converts colour to grey with PIL's <c>convert('L')</c> formula in integers,
/// (19595·R + 38470·G + 7471·B + 32768) >> 16, and drops alpha.</para>
/// </remarks>
public static class PngReader
{
    private static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Reads the PNG at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a PNG or cannot be decoded; the message names the file.</exception>
    public static MedicalImage Read(string path, bool asGrey = false)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"PNG file {full} does not exist", full);
        var bytes = File.ReadAllBytes(full);
        var header = ReadHeader(bytes, full);

        using var scope = NewDisposeScope();
        var rowMajor = header.BitDepth == 16 ? Decode16(bytes, header, full) : Decode8(bytes, header, full); // [H, W, C]
        if (header.BitDepth == 1 && header.ColourType == 0)
        {
            using var white = 255.ToScalar();
            rowMajor = rowMajor.div(white, rounding_mode: RoundingMode.trunc);
        }
        if (asGrey) rowMajor = ToGrey(rowMajor);
        var data = rowMajor.permute(2, 1, 0).contiguous().MoveToOuterDisposeScope();
        var properties = new ImageProperties
        {
            SourceFiles = [full],
            OriginalAffine = AffineMatrix.Identity,
            OriginalSpatialShape = [header.Width, header.Height],
        };
        return new MedicalImage(data, AffineMatrix.Identity, properties);
    }

    private readonly record struct PngHeader(int Width, int Height, int BitDepth, int ColourType)
    {
        /// <summary>Channels PIL gives this colour type (palette expanded to RGB).</summary>
        public ColorComponents Components => ColourType switch
        {
            0 => ColorComponents.Grey,
            4 => ColorComponents.GreyAlpha,
            6 => ColorComponents.RedGreenBlueAlpha,
            _ => ColorComponents.RedGreenBlue, // 2 (truecolour) and 3 (palette)
        };
    }

    private static PngHeader ReadHeader(byte[] bytes, string path)
    {
        // Signature, then the IHDR chunk: length 13, "IHDR", width, height, bit depth, colour type, …
        if (bytes.Length < 33 || !bytes.AsSpan(0, 8).SequenceEqual(Signature))
            throw new InvalidDataException($"{path} is not a PNG file (no PNG signature)");
        if (bytes[12] != (byte)'I' || bytes[13] != (byte)'H' || bytes[14] != (byte)'D' || bytes[15] != (byte)'R')
            throw new InvalidDataException($"{path}: the PNG does not start with an IHDR chunk");
        var header = new PngHeader(
            (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(16)),
            (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(20)),
            bytes[24], bytes[25]);
        if (header.ColourType is not (0 or 2 or 3 or 4 or 6))
            throw new InvalidDataException($"{path}: PNG colour type {header.ColourType} is not valid");
        return header;
    }

    private static Tensor Decode8(byte[] bytes, PngHeader header, string path)
    {
        ImageResult result;
        try
        {
            result = ImageResult.FromMemory(bytes, header.Components);
        }
        catch (Exception e) when (e is InvalidOperationException or IndexOutOfRangeException or ArgumentException)
        {
            throw new InvalidDataException($"{path}: the PNG cannot be decoded ({e.Message})", e);
        }
        return tensor(result.Data, [result.Height, result.Width, (long)result.Comp]);
    }

    private static unsafe Tensor Decode16(byte[] bytes, PngHeader header, string path)
    {
        // StbImageSharp has no managed 16-bit entry point; its public stb function returns memory from
        // Marshal.AllocHGlobal (StbImageSharp's CRuntime.malloc), which is released the same way.
        using var stream = new MemoryStream(bytes, writable: false);
        int width, height, components;
        ushort* pixels;
        try
        {
            var context = new StbImage.stbi__context(stream);
            pixels = StbImage.stbi__load_and_postprocess_16bit(context, &width, &height, &components, (int)header.Components);
        }
        catch (Exception e) when (e is InvalidOperationException or IndexOutOfRangeException or ArgumentException)
        {
            throw new InvalidDataException($"{path}: the PNG cannot be decoded ({e.Message})", e);
        }
        if (pixels == null) throw new InvalidDataException($"{path}: the PNG cannot be decoded ({StbImage.stbi__g_failure_reason})");
        try
        {
            // Copied as int16 bit patterns, then widened and masked, since torch has no usable uint16.
            var count = checked(width * height * (int)header.Components);
            var bits = new short[count];
            new ReadOnlySpan<short>(pixels, count).CopyTo(bits);
            using var raw = tensor(bits, [height, width, (long)header.Components]);
            return raw.to_type(ScalarType.Int32).bitwise_and_(0xFFFF);
        }
        finally
        {
            Marshal.FreeHGlobal((IntPtr)pixels);
        }
    }

    /// <summary>PIL's L conversion of [H, W, C] colour (alpha ignored); grey+alpha keeps the grey channel; grey is returned as is.</summary>
    private static Tensor ToGrey(Tensor rowMajor)
    {
        var channels = rowMajor.shape[2];
        if (channels == 1) return rowMajor;
        if (channels == 2) return rowMajor.narrow(2, 0, 1);
        var wide = rowMajor.narrow(2, 0, 3).to_type(ScalarType.Int64);
        using var weights = tensor(new long[] { 19595, 38470, 7471 });
        using var half = 0x8000.ToScalar();
        var grey = wide.mul(weights).sum(2, keepdim: true).PlusInPlace(half).bitwise_right_shift_(16);
        return grey.to_type(rowMajor.dtype);
    }
}
