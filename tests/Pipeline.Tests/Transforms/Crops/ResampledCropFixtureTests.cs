using System.Text.Json.Nodes;
using NUnit.Framework;
using Pipeline.Imaging;
using Pipeline.Transforms.Crops;
using static Pipeline.Tests.Transforms.Crops.CropTestData;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transforms.Crops;

/// <summary>Rotated and zoomed crops against scipy's map_coordinates (tools/fixtures/make_crop_fixtures.py): values, label nearest, the linear map and the affine.</summary>
public sealed class ResampledCropFixtureTests
{
    private static IEnumerable<TestCaseData> Cases()
    {
        var path = Path.Combine(FixtureFolder, "resampled_cases.json");
        foreach (var node in JsonNode.Parse(File.ReadAllText(path))!.AsArray())
            yield return new TestCaseData(node!.ToJsonString()).SetName($"Resampled crop matches scipy: {node["name"]}");
    }

    private static long[] Longs(JsonNode node) => node.AsArray().Select(v => v!.GetValue<long>()).ToArray();

    private static double[] Doubles(JsonNode node) => node.AsArray().Select(v => v!.GetValue<double>()).ToArray();

    [TestCaseSource(nameof(Cases))]
    public void MatchesScipy(string json)
    {
        var c = JsonNode.Parse(json)!;
        var shape = Longs(c["shape"]!);
        var size = Longs(c["size"]!);
        var affine = AffineMatrix.FromRowMajor(Doubles(c["affine"]!));
        using var image = new MedicalImage(tensor(ReadFixture(c["image"]!.GetValue<string>())).reshape([1, .. shape]), affine);
        using var label = new MedicalImage(tensor(ReadFixture(c["label"]!.GetValue<string>())).reshape([1, .. shape]).to_type(ScalarType.Int32), affine);
        var expectedImage = ReadFixture(c["image_out"]!.GetValue<string>());
        var expectedLabel = ReadFixture(c["label_out"]!.GetValue<string>());

        Assert.That(image.Spacing, Is.EqualTo(Doubles(c["spacing"]!)).Within(1e-12));
        var linear = CropAugmentation.Linear(CropAugmentation.Rotation(Doubles(c["angles"]!)), image.Spacing, Doubles(c["zoom"]!));
        Assert.That(linear.Cast<double>().ToArray(), Is.EqualTo(Doubles(c["linear"]!)).Within(1e-12), "A = S⁻¹·R·S·Z");

        using var crop = ResampledCrop.Create(new CropWindow(Longs(c["start"]!), size), shape, linear, null);
        using var sampled = crop.Sample(image, nearest: false);
        using var sampledLabel = crop.Sample(label, nearest: true);
        using var image32 = image.With(image.Data.to_type(ScalarType.Float32));
        using var sampled32 = crop.Sample(image32, nearest: false);

        Assert.That(sampled.Data.shape, Is.EqualTo(new long[] { 1 }.Concat(size)));
        Assert.That(Values(sampled.Data), Is.EqualTo(expectedImage).Within(1e-9), "trilinear in float64");
        Assert.That(Values(sampled32.Data), Is.EqualTo(expectedImage).Within(2e-5), "trilinear in float32");
        Assert.That(sampledLabel.Data.dtype, Is.EqualTo(ScalarType.Int32));
        Assert.That(Values(sampledLabel.Data), Is.EqualTo(expectedLabel), "nearest");
        Assert.That(sampled.Affine.ApproximatelyEquals(AffineMatrix.FromRowMajor(Doubles(c["expected_affine"]!)), 1e-9), Is.True,
            $"affine\n{sampled.Affine}");
        Assert.That(sampledLabel.Affine.ApproximatelyEquals(sampled.Affine, 0), Is.True);
    }

    [Test]
    public void IdentityGridEqualsTheWindowCrop()
    {
        using var image = Arange([9, 8, 7], channels: 2);
        var window = new CropWindow([2, -1, 3], [5, 6, 5]);
        using var crop = ResampledCrop.Create(window, image.SpatialShape, CropAugmentation.Identity(3), null);
        using var resampled = crop.Sample(image, nearest: false);
        using var cut = window.Extract(image);
        Assert.That(Values(resampled.Data), Is.EqualTo(Values(cut.Data)).Within(1e-3));
        Assert.That(resampled.Affine.ApproximatelyEquals(cut.Affine, 1e-12), Is.True);
    }
}
