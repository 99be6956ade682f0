using System.Text.Json;
using NUnit.Framework;
using Pipeline.Tests.Transforms.Intensity;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transforms.Loading;

/// <summary>One PNG written by tools/fixtures/make_intensity_fixtures.py with what MONAI's PILReader reads from it ([C, x, y]).</summary>
internal sealed class PngFixture
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public string Name { get; init; } = "";
    public string File { get; init; } = "";
    public string Mode { get; init; } = "";
    public int BitDepth { get; init; }
    public int ColourType { get; init; }
    public int Width { get; init; }
    public int Height { get; init; }
    public long[] Shape { get; init; } = [];
    public string Data { get; init; } = "";
    public string? Grey { get; init; }
    public long[]? GreyShape { get; init; }
    public string Note { get; init; } = "";

    /// <summary>The folder holding the PNG fixtures in the test output.</summary>
    public static string Folder => Path.Combine(IntensityFixture.Folder, "png");

    /// <summary>Every PNG case.</summary>
    public static IReadOnlyList<PngFixture> All() =>
        JsonSerializer.Deserialize<List<PngFixture>>(System.IO.File.ReadAllText(Path.Combine(Folder, "cases.json")), Options)
        ?? throw new InvalidDataException("png/cases.json is empty");

    /// <summary>Case names, for [TestCaseSource].</summary>
    public static IEnumerable<string> Names() => All().Select(c => c.Name);

    /// <summary>The case called <paramref name="name"/>.</summary>
    public static PngFixture Named(string name) => All().Single(c => c.Name == name);

    /// <summary>Full path of the PNG.</summary>
    public string PathOf => Path.Combine(Folder, File);

    /// <summary>The expected data, float64 [C, W, H].</summary>
    public Tensor Expected() => IntensityFixture.Load(Data, Shape, Folder);

    /// <summary>PIL's convert('L') of the image, float64 [1, W, H].</summary>
    public Tensor ExpectedGrey() => IntensityFixture.Load(Grey!, GreyShape!, Folder);
}
