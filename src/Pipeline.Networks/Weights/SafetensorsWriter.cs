using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Pipeline.IO;
using static TorchSharp.torch;

namespace Pipeline.Networks.Weights;

/// <summary>Writes safetensors files laid out exactly as the Python <c>safetensors</c> library writes them.</summary>
public static class SafetensorsWriter
{
    /// <summary>Atomically writes <paramref name="tensors"/> (any device, any layout) and optional string <paramref name="metadata"/> to <paramref name="path"/>.</summary>
    public static void Write(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        Write(new OutputFolder(Path.GetDirectoryName(Path.GetFullPath(path))!, "the output path"), path, tensors, metadata);

    /// <summary>Atomically writes <paramref name="tensors"/> and <paramref name="metadata"/> to <paramref name="path"/> inside <paramref name="folder"/>.</summary>
    /// <exception cref="OutputPathException">The path lies outside the folder or leads out of it through a link.</exception>
    public static void Write(OutputFolder folder, string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(tensors);
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("safetensors data is little-endian; big-endian hosts are not supported");
        if (tensors.ContainsKey(SafetensorsHeader.MetadataKey))
            throw new ArgumentException($"'{SafetensorsHeader.MetadataKey}' is reserved and cannot name a tensor", nameof(tensors));

        // The Rust library orders data by descending dtype (so wider types stay aligned), then by name as UTF-8 bytes,
        // and lists the header in that same order.
        var ordered = tensors
            .Select(pair => (pair.Key, pair.Value, Dtype: SafetensorsDtype.Of(pair.Value.dtype)))
            .OrderByDescending(t => t.Dtype.Rank)
            .ThenBy(t => t.Key, Utf8Comparer.Instance)
            .ToList();

        var header = new StringBuilder("{");
        if (metadata is { Count: > 0 })
        {
            header.Append('"').Append(SafetensorsHeader.MetadataKey).Append("\":{");
            var first = true;
            foreach (var (key, value) in metadata.OrderBy(p => p.Key, Utf8Comparer.Instance))
            {
                if (!first) header.Append(',');
                first = false;
                AppendString(header, key);
                header.Append(':');
                AppendString(header, value);
            }
            header.Append('}');
            if (ordered.Count > 0) header.Append(',');
        }
        var offset = 0L;
        for (var i = 0; i < ordered.Count; i++)
        {
            var (name, tensor, dtype) = ordered[i];
            var end = offset + tensor.numel() * dtype.Size;
            if (i > 0) header.Append(',');
            AppendString(header, name);
            header.Append(":{\"dtype\":\"").Append(dtype.Name).Append("\",\"shape\":[")
                .Append(string.Join(",", tensor.shape.Select(d => d.ToString(CultureInfo.InvariantCulture))))
                .Append("],\"data_offsets\":[").Append(offset.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(end.ToString(CultureInfo.InvariantCulture)).Append("]}");
            offset = end;
        }
        header.Append('}');

        var json = Encoding.UTF8.GetBytes(header.ToString());
        // Spaces pad the header so the data buffer starts 8-byte aligned; JSON parsers ignore trailing whitespace.
        var padded = (json.Length + 7) / 8 * 8;
        var headerBytes = new byte[8 + padded];
        BinaryPrimitives.WriteUInt64LittleEndian(headerBytes, (ulong)padded);
        json.CopyTo(headerBytes, 8);
        headerBytes.AsSpan(8 + json.Length).Fill((byte)' ');

        folder.Write(path, stream =>
        {
            stream.Write(headerBytes);
            foreach (var (_, tensor, _) in ordered)
            {
                var cpuTensor = tensor.device_type == TorchSharp.DeviceType.CPU ? tensor : tensor.cpu();
                var contiguous = cpuTensor.is_contiguous() ? cpuTensor : cpuTensor.contiguous();
                try
                {
                    TensorBytes.Copy(contiguous, stream);
                }
                finally
                {
                    if (!ReferenceEquals(contiguous, tensor)) contiguous.Dispose();
                    if (!ReferenceEquals(cpuTensor, tensor) && !ReferenceEquals(cpuTensor, contiguous)) cpuTensor.Dispose();
                }
            }
        });
    }

    /// <summary>Escapes like serde_json: short escapes for quote, backslash and common controls, \u00xx for other controls, UTF-8 otherwise.</summary>
    private static void AppendString(StringBuilder builder, string value)
    {
        builder.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case < ' ': builder.Append("\\u00").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture)); break;
                default: builder.Append(c); break;
            }
        }
        builder.Append('"');
    }
}
