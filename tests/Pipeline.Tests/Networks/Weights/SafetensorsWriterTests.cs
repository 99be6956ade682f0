using System.Buffers.Binary;
using System.Text;
using NUnit.Framework;
using Pipeline.Networks.Weights;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Weights;

/// <summary>Round trips through the writer and reader, and the writer's byte layout.</summary>
public sealed class SafetensorsWriterTests
{
    private string _dir = "";

    [SetUp]
    public void CreateFolder() => _dir = Directory.CreateTempSubdirectory("safetensors-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_dir, recursive: true);

    public static IEnumerable<string> DtypeNames => SafetensorsDtype.Names;

    [TestCaseSource(nameof(DtypeNames))]
    public void RoundTripsEveryDtype(string dtype)
    {
        Assert.That(SafetensorsDtype.TryParse(dtype, out var type, out _), Is.True);
        using var source = arange(-12, 12, ScalarType.Float64).reshape(2, 3, 4);
        using var values = type == ScalarType.Bool ? source.gt(0) : source.to_type(type);
        using var scalar = tensor(7.0).to_type(type == ScalarType.Bool ? ScalarType.Bool : type);
        using var none = empty([3, 0], type);
        var path = Path.Combine(_dir, $"{dtype}.safetensors");

        SafetensorsWriter.Write(path, new Dictionary<string, Tensor> { ["values"] = values, ["scalar"] = scalar, ["none"] = none });
        using var file = SafetensorsReader.Read(path);

        foreach (var (name, original) in new[] { ("values", values), ("scalar", scalar), ("none", none) })
        {
            var read = file.Tensors[name];
            Assert.That(read.dtype, Is.EqualTo(type), name);
            Assert.That(read.shape, Is.EqualTo(original.shape), name);
            Assert.That(read.bytes.ToArray(), Is.EqualTo(original.bytes.ToArray()), name);
        }
    }

    [Test]
    public void OutputIsByteIdenticalToTheFixture()
    {
        var expected = SafetensorsFixture.Load();
        var tensors = expected.BuildTensors();
        var path = Path.Combine(_dir, "basic.safetensors");
        try
        {
            SafetensorsWriter.Write(path, tensors, expected.Metadata);
        }
        finally
        {
            foreach (var tensor in tensors.Values) tensor.Dispose();
        }

        // With writer "safetensors" this compares against the Python library itself; "handwritten" follows its layout rules.
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(File.ReadAllBytes(SafetensorsFixture.BasicPath)), $"fixture writer: {expected.Writer}");
    }

    /// <summary>The byte layouts asserted by the Rust library's own serialization tests (safetensors/src/tensor.rs).</summary>
    [TestCase("", "{}      ", 0)]
    [TestCase("framework=pt", "{\"__metadata__\":{\"framework\":\"pt\"}}     ", 0)]
    [TestCase("", "{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}       ", 1)]
    [TestCase("", "{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}", 2)]
    public void MatchesTheRustLibrarysSerializationVectors(string metadata, string header, int tensorCase)
    {
        using var data = arange(6, ScalarType.Float32);
        using var view = tensorCase == 1 ? data.reshape(1, 1, 2, 3) : data.reshape(1, 2, 3);
        var tensors = tensorCase switch
        {
            0 => new Dictionary<string, Tensor>(),
            1 => new Dictionary<string, Tensor> { ["attn0"] = view },
            _ => new Dictionary<string, Tensor> { ["attn.0"] = view },
        };
        var meta = metadata == "" ? null : new Dictionary<string, string> { [metadata.Split('=')[0]] = metadata.Split('=')[1] };
        var path = Path.Combine(_dir, "vector.safetensors");

        SafetensorsWriter.Write(path, tensors, meta);

        var json = Encoding.UTF8.GetBytes(header);
        var expected = new byte[8 + json.Length + (tensorCase == 0 ? 0 : 24)];
        BinaryPrimitives.WriteUInt64LittleEndian(expected, (ulong)json.Length);
        json.CopyTo(expected, 8);
        if (tensorCase != 0) data.bytes.CopyTo(expected.AsSpan(8 + json.Length));
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(expected));
    }

    [Test]
    public void PadsTheHeaderSoDataIsEightByteAligned()
    {
        using var a = ones(3, ScalarType.Float64);
        var path = Path.Combine(_dir, "aligned.safetensors");

        SafetensorsWriter.Write(path, new Dictionary<string, Tensor> { ["a"] = a });

        var bytes = File.ReadAllBytes(path);
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.That(headerLength % 8, Is.Zero);
        Assert.That(Encoding.UTF8.GetString(bytes, 8, (int)headerLength), Does.StartWith("{\"a\":{\"dtype\":\"F64\",\"shape\":[3],\"data_offsets\":[0,24]}}").And.EndWith(" "));
        Assert.That(bytes.Length, Is.EqualTo(8 + (int)headerLength + 24));
    }

    [Test]
    public void OrdersDataByDescendingDtypeThenName()
    {
        using var b8 = ones(2, ScalarType.Byte);
        using var a16 = ones(2, ScalarType.Float16);
        using var z64 = ones(2, ScalarType.Int64);
        using var c32 = ones(2, ScalarType.Float32);
        using var a32 = ones(2, ScalarType.Float32);
        var path = Path.Combine(_dir, "order.safetensors");

        SafetensorsWriter.Write(path, new Dictionary<string, Tensor> { ["b8"] = b8, ["a16"] = a16, ["z64"] = z64, ["c32"] = c32, ["a32"] = a32 });
        using var file = SafetensorsReader.Read(path);

        Assert.That(file.Tensors.Keys, Is.EqualTo(new[] { "z64", "a32", "c32", "a16", "b8" }));
    }

    [Test]
    public void WritesNonContiguousTensorsInLogicalOrderAndEscapesMetadata()
    {
        using var matrix = arange(6, ScalarType.Int32).reshape(2, 3);
        using var transposed = matrix.t();
        var metadata = new Dictionary<string, string> { ["quote\"back\\slash"] = "line\nbreak\u0001 ünï" };
        var path = Path.Combine(_dir, "strided.safetensors");

        SafetensorsWriter.Write(path, new Dictionary<string, Tensor> { ["t"] = transposed }, metadata);
        using var file = SafetensorsReader.Read(path);

        Assert.That(file.Tensors["t"].data<int>().ToArray(), Is.EqualTo(new[] { 0, 3, 1, 4, 2, 5 }));
        Assert.That(file.Metadata, Is.EquivalentTo(metadata));
        Assert.That(Encoding.UTF8.GetString(File.ReadAllBytes(path)), Does.Contain("\"quote\\\"back\\\\slash\":\"line\\nbreak\\u0001 ünï\""));
    }

    [Test]
    public void RefusesTheReservedMetadataName()
    {
        using var a = ones(1);
        var path = Path.Combine(_dir, "reserved.safetensors");

        Assert.That(() => SafetensorsWriter.Write(path, new Dictionary<string, Tensor> { ["__metadata__"] = a }), Throws.ArgumentException);
        Assert.That(File.Exists(path), Is.False);
    }

    [Test]
    public void ReplacesAnExistingFileAndLeavesNoTemporaries()
    {
        using var a = ones(2);
        var path = Path.Combine(_dir, "replace.safetensors");
        File.WriteAllText(path, "old");

        SafetensorsWriter.Write(path, new Dictionary<string, Tensor> { ["a"] = a });

        using var file = SafetensorsReader.Read(path);
        Assert.That(file.Tensors["a"].data<float>().ToArray(), Is.EqualTo(new[] { 1f, 1f }));
        Assert.That(Directory.GetFiles(_dir), Is.EqualTo(new[] { path }));
    }
}
