using System.Text.Json;
using NUnit.Framework;
using Pipeline.Imaging;
using Pipeline.Transforms.Labels;
using static Pipeline.Tests.Transforms.Labels.LabelTestData;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transforms.Labels;

/// <summary>KeepLargestCC against scipy.ndimage.label golden outputs (tools/fixtures/make_label_fixtures.py); results must match voxel for voxel.</summary>
public sealed class KeepLargestCCFixtureTests
{
    public sealed record LabelStats(int Label, int Components, int KeptSize, int TiedComponents);

    public sealed record FixtureCase(string Name, string Kind, long[] Shape, string Input, int Connectivity, string Expected, LabelStats[] Labels)
    {
        public override string ToString() => Name;
    }

    private static string Folder => Path.Combine(AppContext.BaseDirectory, "Fixtures", "transforms", "labels");

    private static IEnumerable<FixtureCase> Cases()
    {
        var folder = Folder;
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "lcc_cases.json")));
        var options = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
        return doc.RootElement.GetProperty("cases").Deserialize<FixtureCase[]>(options)!;
    }

    /// <summary>A fixture volume as a [1, spatial...] tensor of <paramref name="type"/>.</summary>
    private static Tensor Load(string file, long[] shape, ScalarType type = ScalarType.Float32)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Folder, file));
        using var raw = tensor(bytes).reshape([1, .. shape]);
        return raw.to_type(type);
    }

    [TestCaseSource(nameof(Cases))]
    public void MatchesScipy(FixtureCase c)
    {
        using var expected = Load(c.Expected, c.Shape);
        using var context = Context(("label", Image(Load(c.Input, c.Shape))));

        new KeepLargestCC(["label"], c.Connectivity).Apply(context);

        var result = context.GetImage("label", "test").Data;
        Assert.That(result.dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(SameValues(result, expected), Is.True, $"{c.Name}: differs from scipy in {result.ne(expected).sum().item<long>()} voxels");
        foreach (var stats in c.Labels)
            Assert.That(result.eq(stats.Label).sum().item<long>(), Is.EqualTo(stats.KeptSize), $"kept size of label {stats.Label}");
    }

    [Test]
    public void FullConnectivityIsTheDefault()
    {
        var c = Cases().First(k => k.Name == "binary3d_d15_c26");
        using var expected = Load(c.Expected, c.Shape);
        using var context = Context(("label", Image(Load(c.Input, c.Shape, ScalarType.Byte))));
        new KeepLargestCC(["label"]).Apply(context);
        var result = context.GetImage("label", "test").Data;
        Assert.That(result.dtype, Is.EqualTo(ScalarType.Byte), "the type is kept");
        Assert.That(SameValues(result, expected), Is.True);
    }

    /// <summary>Each channel of a multi-channel mask keeps its own largest component: stacking fixtures as channels must stack their expectations.</summary>
    [TestCase(26)]
    [TestCase(6)]
    public void EachChannelOfAMultiChannelMaskIsProcessedOnItsOwn(int connectivity)
    {
        var names = new[] { "binary3d_d06", "binary3d_d15", "binary3d_d30" };
        var cases = names.Select(n => Cases().First(k => k.Name == $"{n}_c{connectivity}")).ToArray();
        using var input = cat(cases.Select(c => Load(c.Input, c.Shape)).ToArray(), 0);
        using var expected = cat(cases.Select(c => Load(c.Expected, c.Shape)).ToArray(), 0);
        using var context = Context(("model", Image(input.clone())));

        new KeepLargestCC(["model"], connectivity).Apply(context);

        Assert.That(SameValues(context.GetImage("model", "test").Data, expected), Is.True);
    }

    [Test]
    public void CropsOfABatchAreProcessedOneByOne()
    {
        var a = Cases().First(k => k.Name == "binary2d_d35_c8");
        var b = Cases().First(k => k.Name == "binary2d_d55_c8");
        using var context = Context(("label", new ImageBatch([Image(Load(a.Input, a.Shape)), Image(Load(b.Input, b.Shape))])));
        new KeepLargestCC(["label"]).Apply(context);
        var crops = (ImageBatch)context.Get("label")!;
        using var expectedA = Load(a.Expected, a.Shape);
        using var expectedB = Load(b.Expected, b.Shape);
        Assert.That(SameValues(crops.Items[0].Data, expectedA), Is.True);
        Assert.That(SameValues(crops.Items[1].Data, expectedB), Is.True);
    }
}
