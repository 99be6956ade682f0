using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;
using Pipeline.Transforms.Loading;
using Pipeline.ImageIO.Nifti;
using static Pipeline.Tests.Transforms.Intensity.IntensityTestData;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transforms.Loading;

/// <summary>LoadNifti as a transform; the reader's numerics against nibabel are pinned by the NIfTI reader tests.</summary>
public sealed class LoadNiftiTests
{
    private string _dir = "";

    [SetUp]
    public void CreateFolder() => _dir = Directory.CreateTempSubdirectory("load-nifti-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_dir, recursive: true);

    private static string Fixture(string name) => Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "nifti", name);

    /// <summary>Writes a 3-D one-channel file whose voxel (i, j, k) holds <paramref name="offset"/> + its C-order index.</summary>
    private string Write(string name, double offset, long[] shape, ScalarType type, AffineMatrix? affine = null)
    {
        var path = Path.Combine(_dir, name);
        using var data = arange(shape.Aggregate(1L, (a, b) => a * b), ScalarType.Float64).add_(offset).reshape([1, .. shape]).to_type(type);
        using var image = new MedicalImage(data.clone(), affine ?? Affine);
        NiftiWriter.Write(image, path);
        return path;
    }

    [Test]
    public void LoadsAFileAsFloat32WithItsAffineAndProvenance()
    {
        var path = Fixture("int16_las.nii");
        using var reference = NiftiReader.Read(path);
        using var context = Context(("image", path));
        new LoadNifti(["image"]).Apply(context);
        var image = context.GetImage("image", "test");
        Assert.That(image.Data.dtype, Is.EqualTo(ScalarType.Float32), "Clara's default dtype");
        Assert.That(Identical(image.Data, reference.Data), Is.True);
        Assert.That(image.Affine, Is.EqualTo(reference.Affine));
        Assert.That(image.Properties.SourceFiles, Is.EqualTo(new[] { Path.GetFullPath(path) }));
        Assert.That(image.Properties.OriginalSpatialShape, Is.EqualTo(new long[] { 6, 5, 4 }));
    }

    [TestCase("native", ScalarType.Int16)]
    [TestCase("float64", ScalarType.Float64)]
    [TestCase("int32", ScalarType.Int32)]
    [TestCase("uint8", ScalarType.Byte)]
    public void DtypeChoosesTheVoxelType(string dtype, ScalarType expected)
    {
        using var context = Context(("image", Fixture("int16_las.nii")));
        new LoadNifti(["image"], dtype).Apply(context);
        Assert.That(DataOf(context, "image").dtype, Is.EqualTo(expected));
    }

    [Test]
    public void AListOfFilesBecomesChannelsInOrderWithPromotedType()
    {
        var t1 = Write("t1.nii.gz", 0, [4, 3, 2], ScalarType.Int16);
        var t2 = Write("t2.nii", 1000.5, [4, 3, 2], ScalarType.Float32);
        using var context = Context(("image", new List<string> { t2, t1 }), ("label", t1));
        new LoadNifti(["image", "label"], dtype: "native").Apply(context);
        var image = context.GetImage("image", "test");
        Assert.That(image.Data.shape, Is.EqualTo(new long[] { 2, 4, 3, 2 }));
        Assert.That(image.Data.dtype, Is.EqualTo(ScalarType.Float32), "int16 and float32 channels promote to float32");
        Assert.That(Values(image.Data[0])[..3], Is.EqualTo(new[] { 1000.5, 1001.5, 1002.5 }), "channel 0 is the first file of the list");
        Assert.That(Values(image.Data[1])[..3], Is.EqualTo(new[] { 0.0, 1, 2 }));
        Assert.That(image.Properties.SourceFiles, Is.EqualTo(new[] { Path.GetFullPath(t2), Path.GetFullPath(t1) }));
        Assert.That(image.Affine.ApproximatelyEquals(Affine, 1e-5), Is.True);
        Assert.That(DataOf(context, "label").dtype, Is.EqualTo(ScalarType.Int16), "each field is loaded on its own");
    }

    [Test]
    public void ChannelFilesOnDifferentGridsAreRefused()
    {
        var a = Write("a.nii", 0, [4, 3, 2], ScalarType.Float32);
        var b = Write("b.nii", 0, [4, 3, 3], ScalarType.Float32);
        var c = Write("c.nii", 0, [4, 3, 2], ScalarType.Float32, AffineMatrix.Diagonal(1, 1, 1));
        using var context = Context(("shape", new[] { a, b }), ("affine", new[] { a, c }));
        Assert.That(() => new LoadNifti(["shape"]).Apply(context), Throws.TypeOf<InvalidDataException>().With.Message.Contains(b).And.Message.Contains("shape"));
        Assert.That(() => new LoadNifti(["affine"]).Apply(context), Throws.TypeOf<InvalidDataException>().With.Message.Contains("affine"));
        Assert.That(context.Get("shape"), Is.InstanceOf<string[]>(), "a failed load leaves the paths in place");
    }

    [Test]
    public void AsClosestCanonicalReordersToRasKeepingEveryVoxelsWorldPosition()
    {
        var path = Fixture("int16_las.nii");
        using var original = NiftiReader.Read(path);
        using var context = Context(("image", path));
        new LoadNifti(["image"], asClosestCanonical: true).Apply(context);
        var image = context.GetImage("image", "test");
        Assert.That(original.Orientation, Is.EqualTo("LAS"));
        Assert.That(image.Orientation, Is.EqualTo("RAS"));
        Assert.That(image.Data.shape, Is.EqualTo(original.Data.shape));
        Assert.That(image.Properties.OriginalAffine, Is.EqualTo(original.Affine), "the file's affine stays recorded for writers");

        // The value at new voxel (i, j, k) is the original value at the voxel with the same world position.
        var inverse = original.Affine.Inverse();
        foreach (var (i, j, k) in new[] { (0, 0, 0), (5, 4, 3), (2, 1, 3), (4, 0, 1) })
        {
            var (x, y, z) = image.Affine.Apply(i, j, k);
            var (oi, oj, ok) = inverse.Apply(x, y, z);
            var (ri, rj, rk) = ((long)Math.Round(oi), (long)Math.Round(oj), (long)Math.Round(ok));
            Assert.That(new[] { oi - ri, oj - rj, ok - rk }, Is.All.EqualTo(0).Within(1e-9), "voxel centres map onto voxel centres");
            Assert.That(image.Data[0, i, j, k].item<float>(), Is.EqualTo((float)original.Data[0, ri, rj, rk].item<short>()));
        }
    }

    [Test]
    public void AsClosestCanonicalLeavesTwoDimensionalImagesAlone()
    {
        var path = Fixture("float32_2d.nii.gz");
        using var original = NiftiReader.Read(path);
        using var context = Context(("image", path));
        new LoadNifti(["image"], asClosestCanonical: true).Apply(context);
        var image = context.GetImage("image", "test");
        Assert.That(image.Affine, Is.EqualTo(original.Affine));
        Assert.That(Identical(image.Data, original.Data), Is.True);
    }

    [Test]
    public void AMissingFieldNamesFieldTransformAndSample()
    {
        using var context = Context(("image", Fixture("int16_las.nii")));
        Assert.That(() => new LoadNifti(["image", "label"]).Apply(context),
            Throws.TypeOf<SampleFieldException>().With.Message.Contains("LoadNifti").And.Message.Contains("'label'").And.Message.Contains("sample 3"));
    }

    [Test]
    public void APathThatDoesNotExistIsReportedWithThePath()
    {
        var missing = Path.Combine(_dir, "missing.nii.gz");
        using var context = Context(("image", missing));
        Assert.That(() => new LoadNifti(["image"]).Apply(context), Throws.TypeOf<FileNotFoundException>().With.Message.Contains(missing));
        Assert.That(context.Get("image"), Is.EqualTo(missing));
    }

    [Test]
    public void AFieldHoldingSomethingElseIsReported()
    {
        using var context = Context(("number", 42), ("empty", Array.Empty<string>()));
        Assert.That(() => new LoadNifti(["number"]).Apply(context),
            Throws.TypeOf<SampleFieldException>().With.Message.Contains("file path").And.Message.Contains("Int32"));
        Assert.That(() => new LoadNifti(["empty"]).Apply(context), Throws.TypeOf<SampleFieldException>().With.Message.Contains("empty"));
    }

    [Test]
    public void AnImageAlreadyInTheFieldIsTakenAsLoaded()
    {
        // What the embedding API hands in for a stream or a voxel array: converted like a file's data, not read again.
        using var context = Context(("image", Image(ones(1, 2, 2, 2, dtype: ScalarType.Int16))));

        new LoadNifti(["image"]).Apply(context);

        var image = context.GetImage("image", "the test");
        Assert.That(image.Data.dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(image.Data.sum().item<float>(), Is.EqualTo(8f));
    }

    [Test]
    public void ArgsAreValidatedAndClaraConfigsBind()
    {
        Assert.That(() => new LoadNifti(["image"], dtype: "complex64"), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("dtype"));
        Assert.That(() => new LoadNifti([]), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("fields"));
        var loader = FromConfig("LoadNifti", """{ "fields": ["image", "label"] }""", typeof(LoadNifti));
        Assert.That(loader.IsDeterministic, Is.True);
        Assert.That(((IDeclaresFields)loader).WritesFields, Is.EqualTo(new[] { "image", "label" }));
    }
}
