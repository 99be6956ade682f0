using System.Buffers.Binary;
using static TorchSharp.torch;

namespace Pipeline.Networks.Weights;

/// <summary>Reads safetensors files (the PyTorch / MONAI weight exchange format) into CPU tensors.</summary>
public static class SafetensorsReader
{
    /// <summary>Headers beyond this are refused before allocating, like the Rust library's limit.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>Reads every tensor and the metadata of <paramref name="path"/>; throws <see cref="SafetensorsFormatException"/> on malformed input.</summary>
    public static SafetensorsFile Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var (entries, metadata, dataStart) = ReadHeader(path, stream);

        var tensors = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var entry in entries)
            {
                var tensor = empty(entry.Shape, entry.Type);
                tensors.Add(entry.Name, tensor);
                stream.Position = dataStart + entry.Begin;
                try
                {
                    TensorBytes.Fill(tensor, stream);
                }
                catch (EndOfStreamException e)
                {
                    // Only reachable if the file shrinks while being read; the header check covered the length.
                    throw new SafetensorsFormatException(path, $"tensor '{entry.Name}': the file ends inside its data", e);
                }
                if (entry.Type == ScalarType.Bool && !TensorBytes.AllZeroOrOne(tensor))
                    throw new SafetensorsFormatException(path, $"tensor '{entry.Name}': BOOL data holds bytes other than 0 and 1");
            }
        }
        catch
        {
            foreach (var tensor in tensors.Values) tensor.Dispose();
            throw;
        }
        return new SafetensorsFile(tensors, metadata);
    }

    /// <summary>Reads only the string metadata of <paramref name="path"/>, validating the header but not loading any tensor.</summary>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return ReadHeader(path, stream).Metadata;
    }

    private static (List<SafetensorsEntry> Entries, Dictionary<string, string> Metadata, long DataStart) ReadHeader(string path, FileStream stream)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("safetensors data is little-endian; big-endian hosts are not supported");
        var fileLength = stream.Length;
        if (fileLength < 8)
            throw new SafetensorsFormatException(path, $"the file is {fileLength} bytes, shorter than the 8-byte header length");
        Span<byte> prefix = stackalloc byte[8];
        stream.ReadExactly(prefix);
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > MaxHeaderBytes)
            throw new SafetensorsFormatException(path, $"the header length {headerLength} exceeds the {MaxHeaderBytes}-byte limit");
        if ((long)headerLength > fileLength - 8)
            throw new SafetensorsFormatException(path, $"the header length {headerLength} runs past the end of the {fileLength}-byte file");
        var json = new byte[headerLength];
        stream.ReadExactly(json);
        var dataStart = 8 + (long)headerLength;
        var (entries, metadata) = SafetensorsHeader.Parse(path, json, fileLength - dataStart);
        return (entries, metadata, dataStart);
    }
}
