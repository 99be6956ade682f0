using System.Text.Json;
using System.Text.Json.Serialization;
using NUnit.Framework;
using Pipeline.Networks.Weights;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Weights;

/// <summary>What tools/fixtures/make_safetensors_fixtures.py wrote into Fixtures/networks/weights/basic.expected.json.</summary>
internal sealed class SafetensorsFixture
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public string Writer { get; init; } = "";
    public Dictionary<string, string> Metadata { get; init; } = [];
    public Dictionary<string, TensorExpectation> Tensors { get; init; } = [];

    public static string Folder => Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "networks", "weights");

    public static string BasicPath => Path.Combine(Folder, "basic.safetensors");

    public static SafetensorsFixture Load() =>
        JsonSerializer.Deserialize<SafetensorsFixture>(File.ReadAllText(Path.Combine(Folder, "basic.expected.json")), Options)!;

    /// <summary>The expected tensors built straight from their recorded bytes, independent of the reader.</summary>
    public Dictionary<string, Tensor> BuildTensors()
    {
        var result = new Dictionary<string, Tensor>();
        foreach (var (name, expectation) in Tensors)
        {
            Assert.That(SafetensorsDtype.TryParse(expectation.Dtype, out var type, out _), Is.True, expectation.Dtype);
            var tensor = empty(expectation.Shape, type);
            var bytes = Convert.FromHexString(expectation.DataHex);
            if (bytes.Length > 0) bytes.CopyTo(tensor.bytes);
            result.Add(name, tensor);
        }
        return result;
    }

    internal sealed class TensorExpectation
    {
        public string Dtype { get; init; } = "";
        public long[] Shape { get; init; } = [];
        public string DataHex { get; init; } = "";
        [JsonPropertyName("values")]
        public JsonElement[] Values { get; init; } = [];
    }
}
