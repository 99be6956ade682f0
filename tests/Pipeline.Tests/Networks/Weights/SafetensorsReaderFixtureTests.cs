using System.Text;
using System.Text.Json;
using NUnit.Framework;
using Pipeline.Networks.Weights;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Weights;

/// <summary>The reader against the golden file written by tools/fixtures/make_safetensors_fixtures.py.</summary>
public sealed class SafetensorsReaderFixtureTests
{
    [Test]
    public void ReadsEveryTensorExactly()
    {
        var expected = SafetensorsFixture.Load();
        using var file = SafetensorsReader.Read(SafetensorsFixture.BasicPath);

        Assert.That(file.Tensors.Keys, Is.EquivalentTo(expected.Tensors.Keys));
        foreach (var (name, want) in expected.Tensors)
        {
            var tensor = file.Tensors[name];
            Assert.That(SafetensorsDtype.Of(tensor.dtype).Name, Is.EqualTo(want.Dtype), name);
            Assert.That(tensor.shape, Is.EqualTo(want.Shape), name);
            Assert.That(Convert.ToHexStringLower(tensor.bytes), Is.EqualTo(want.DataHex), name);
            // TorchSharp's element accessor throws on empty tensors; their emptiness is covered by the byte check.
            if (tensor.numel() == 0)
                Assert.That(want.Values, Is.Empty, name);
            else if (want.Dtype == "I64")
                Assert.That(tensor.data<long>().ToArray(), Is.EqualTo(want.Values.Select(v => v.GetInt64()).ToArray()), name);
            else
            {
                using var asDouble = tensor.to_type(ScalarType.Float64);
                Assert.That(asDouble.data<double>().ToArray(), Is.EqualTo(want.Values.Select(v => v.GetDouble()).ToArray()), name);
            }
        }
    }

    [Test]
    public void KeepsHeaderOrderAndMetadata()
    {
        var expected = SafetensorsFixture.Load();
        using var file = SafetensorsReader.Read(SafetensorsFixture.BasicPath);

        Assert.That(file.Metadata, Is.EquivalentTo(expected.Metadata));
        var bytes = File.ReadAllBytes(SafetensorsFixture.BasicPath);
        var headerLength = (int)BitConverter.ToUInt64(bytes, 0);
        using var header = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, headerLength));
        var headerOrder = header.RootElement.EnumerateObject().Select(p => p.Name).Where(n => n != "__metadata__");
        Assert.That(file.Tensors.Keys, Is.EqualTo(headerOrder));
    }

    [Test]
    public void ScalarAndEmptyTensorsKeepTheirShapes()
    {
        using var file = SafetensorsReader.Read(SafetensorsFixture.BasicPath);

        Assert.That(file.Tensors["scale"].shape, Is.Empty);
        Assert.That(file.Tensors["scale"].item<double>(), Is.EqualTo(3.25));
        Assert.That(file.Tensors["empty"].shape, Is.EqualTo(new long[] { 0, 4 }));
        Assert.That(file.Tensors["empty"].numel(), Is.Zero);
    }
}
