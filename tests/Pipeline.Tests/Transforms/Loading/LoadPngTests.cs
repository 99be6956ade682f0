using System.Text.Json.Nodes;
using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;
using Pipeline.Transforms.Loading;
using static Pipeline.Tests.Transforms.Intensity.IntensityTestData;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transforms.Loading;

/// <summary>LoadPng/PngReader against what PIL (MONAI's PILReader) reads from PNGs written by tools/fixtures/make_intensity_fixtures.py.</summary>
public sealed class LoadPngTests
{
    private static MedicalImage Load(string path, string dtype = "float32", bool asGrey = false)
    {
        using var context = Context(("image", path));
        new LoadPng(["image"], dtype, asGrey).Apply(context);
        var image = context.GetImage("image", "test");
        return image.With(image.Data.clone()); // the context disposes its own image

    }

    [Test]
    public void FixturesCoverGreyColourAlphaPaletteAnd16Bit()
    {
        var all = PngFixture.All();
        Assert.That(all.Select(c => c.ColourType).Distinct(), Is.EquivalentTo(new[] { 0, 2, 3, 4, 6 }));
        Assert.That(all.Select(c => c.BitDepth).Distinct(), Is.SupersetOf(new[] { 1, 8, 16 }));
        Assert.That(all.Count(c => c.Width != c.Height), Is.EqualTo(all.Count), "non-square, so a transposition shows");
    }

    [TestCaseSource(typeof(PngFixture), nameof(PngFixture.Names))]
    public void DataMatchPilInMonaisLayout(string name)
    {
        var c = PngFixture.Named(name);
        using var image = PngReader.Read(c.PathOf);
        using var expected = c.Expected();
        Assert.That(image.Data.shape, Is.EqualTo(c.Shape), "[C, x (width), y (height)]");
        Assert.That(image.Data.shape[1..], Is.EqualTo(new long[] { c.Width, c.Height }));
        Assert.That(Identical(image.Data, expected), Is.True, c.Note);
        Assert.That(image.Data.dtype, Is.EqualTo(c.BitDepth == 16 ? ScalarType.Int32 : ScalarType.Byte));
        Assert.That(image.Data.is_contiguous(), Is.True);
    }

    [TestCaseSource(typeof(PngFixture), nameof(PngFixture.Names))]
    public void AsGreyMatchesPilsConvertL(string name)
    {
        var c = PngFixture.Named(name);
        using var image = PngReader.Read(c.PathOf, asGrey: true);
        using var expected = c.Grey is null ? c.Expected() : c.ExpectedGrey();
        Assert.That(image.Data.shape[0], Is.EqualTo(1));
        Assert.That(Identical(image.Data, expected), Is.True);
    }

    [Test]
    public void GeometryIsTheIdentityAndPropertiesNameTheFile()
    {
        var c = PngFixture.Named("rgb8");
        using var image = Load(c.PathOf);
        Assert.That(image.Affine, Is.EqualTo(AffineMatrix.Identity));
        Assert.That(image.Spacing, Is.EqualTo(new[] { 1.0, 1.0 }));
        Assert.That(image.SpatialRank, Is.EqualTo(2));
        Assert.That(image.Properties.SourceFiles, Is.EqualTo(new[] { Path.GetFullPath(c.PathOf) }));
        Assert.That(image.Properties.OriginalAffine, Is.EqualTo(AffineMatrix.Identity));
        Assert.That(image.Properties.OriginalSpatialShape, Is.EqualTo(new long[] { c.Width, c.Height }));
        Assert.That(image.Data.dtype, Is.EqualTo(ScalarType.Float32), "Clara's default dtype");
    }

    [TestCase("native", ScalarType.Byte)]
    [TestCase("float64", ScalarType.Float64)]
    [TestCase("int16", ScalarType.Int16)]
    public void DtypeConvertsTheData(string dtype, ScalarType expected)
    {
        var c = PngFixture.Named("grey8");
        using var image = Load(c.PathOf, dtype);
        using var reference = c.Expected();
        Assert.That(image.Data.dtype, Is.EqualTo(expected));
        Assert.That(Identical(image.Data, reference), Is.True);
    }

    [Test]
    public void SixteenBitGreyKeepsAllBitsInNativeInt32()
    {
        var c = PngFixture.Named("grey16");
        using var image = Load(c.PathOf, "native");
        Assert.That(image.Data.dtype, Is.EqualTo(ScalarType.Int32));
        Assert.That(Values(image.Data).Max(), Is.EqualTo(65535));
    }

    [Test]
    public void AListOfFilesBecomesChannelsInListOrder()
    {
        var grey = PngFixture.Named("grey8");
        using var context = Context(("image", new JsonArray(grey.PathOf, grey.PathOf)));
        new LoadPng(["image"], asGrey: true).Apply(context);
        var image = context.GetImage("image", "test");
        using var expected = grey.Expected();
        Assert.That(image.Data.shape, Is.EqualTo(new long[] { 2, grey.Width, grey.Height }));
        Assert.That(Identical(image.Data[0].unsqueeze(0), expected) && Identical(image.Data[1].unsqueeze(0), expected));
        Assert.That(image.Properties.SourceFiles, Has.Count.EqualTo(2));
    }

    [Test]
    public void ChannelFilesOfDifferentSizesAreRefused()
    {
        using var context = Context(("image", new[] { PngFixture.Named("grey8").PathOf, PngFixture.Named("grey16").PathOf }));
        Assert.That(() => new LoadPng(["image"]).Apply(context), Throws.TypeOf<InvalidDataException>().With.Message.Contains("share one grid"));
        Assert.That(context.Get("image"), Is.InstanceOf<string[]>(), "the field keeps its paths when loading fails");
    }

    [Test]
    public void AMissingOrNonPngFileIsReportedWithItsPath()
    {
        var missing = Path.Combine(PngFixture.Folder, "no_such.png");
        using var context = Context(("image", missing));
        Assert.That(() => new LoadPng(["image"]).Apply(context), Throws.TypeOf<FileNotFoundException>().With.Message.Contains(missing));

        var notPng = Path.Combine(PngFixture.Folder, "cases.json");
        using var other = Context(("image", notPng));
        Assert.That(() => new LoadPng(["image"]).Apply(other), Throws.TypeOf<InvalidDataException>().With.Message.Contains("not a PNG"));
    }

    [Test]
    public void AMissingFieldAndBadArgsAreReported()
    {
        using var context = Context(("label", "x.png"));
        Assert.That(() => new LoadPng(["image"]).Apply(context),
            Throws.TypeOf<SampleFieldException>().With.Message.Contains("LoadPng").And.Message.Contains("'image'"));
        Assert.That(() => new LoadPng(["image"], dtype: "uint16"), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("dtype"));
        Assert.That(FromConfig("LoadPng", """{ "fields": ["image", "label"], "dtype": "uint8" }""", typeof(LoadPng)), Is.InstanceOf<LoadPng>());
    }
}
