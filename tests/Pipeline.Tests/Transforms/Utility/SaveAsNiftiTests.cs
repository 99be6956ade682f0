using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;
using Pipeline.ImageIO.Nifti;
using Pipeline.Transforms.Utility;
using static Pipeline.Tests.Transforms.Labels.LabelTestData;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transforms.Utility;

public sealed class SaveAsNiftiTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("save-as-nifti-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void WritesEachFieldNamedAfterSourceStemAndFieldAndLeavesTheSampleAlone()
    {
        var image = Image([1f, 2f, 3f, 4f, 5f, 6f], [1, 3, 2, 1]);
        var label = Image(tensor(new byte[] { 0, 1, 1, 0, 2, 0 }).reshape(1, 3, 2, 1), properties: Properties("/data/labels/case_07.nii"));
        using var context = Context(("image", image), ("label", label));
        var output = Path.Combine(_dir, "debug");

        new SaveAsNifti(["image", "label"], output).Apply(context);

        Assert.That(Directory.GetFiles(output).Select(Path.GetFileName).Order(), Is.EqualTo(new[] { "case_07_image.nii.gz", "case_07_label.nii.gz" }));
        using var written = NiftiReader.Read(Path.Combine(output, "case_07_image.nii.gz"));
        Assert.That(SameValues(written.Data, image.Data), Is.True);
        Assert.That(written.Affine.ApproximatelyEquals(Affine, 1e-6), Is.True);
        using var writtenLabel = NiftiReader.Read(Path.Combine(output, "case_07_label.nii.gz"));
        Assert.That(writtenLabel.Data.dtype, Is.EqualTo(ScalarType.Byte), "written in the image's own type");
        Assert.That(SameValues(writtenLabel.Data, label.Data), Is.True);

        Assert.That(context.GetImage("image", "test"), Is.SameAs(image));
        Assert.That(context.GetImage("label", "test"), Is.SameAs(label));
        Assert.That(Directory.GetFiles(output, ".*"), Is.Empty, "no temporary files are left behind");
    }

    [Test]
    public void CropsOfABatchGetNumberedFiles()
    {
        using var context = Context(("image", new ImageBatch([Image([1f], [1, 1, 1, 1]), Image([2f], [1, 1, 1, 1])])));
        new SaveAsNifti(["image"], _dir).Apply(context);
        Assert.That(Directory.GetFiles(_dir).Select(Path.GetFileName).Order(), Is.EqualTo(new[] { "case_07_image_0.nii.gz", "case_07_image_1.nii.gz" }));
        using var second = NiftiReader.Read(Path.Combine(_dir, "case_07_image_1.nii.gz"));
        Assert.That(Values(second.Data), Is.EqualTo(new float[] { 2 }));
    }

    [Test]
    public void WithoutSourceFilesTheSampleNamesTheFile()
    {
        using var described = Context(("image", Image([1f], [1, 1, 1], properties: new ImageProperties())));
        new SaveAsNifti(["image"], _dir).Apply(described);
        Assert.That(File.Exists(Path.Combine(_dir, "case_07_image.nii.gz")), Is.True);

        using var anonymous = new TransformContext(new SampleInfo(12, ""));
        anonymous.Set("image", Image([1f], [1, 1, 1], properties: new ImageProperties()));
        new SaveAsNifti(["image"], _dir).Apply(anonymous);
        Assert.That(File.Exists(Path.Combine(_dir, "sample12_image.nii.gz")), Is.True);
    }

    [Test]
    public void InterruptIsWarnedAboutOnceAndTheRunContinues()
    {
        using var warnings = new StringWriter();
        var transform = new SaveAsNifti(["image"], _dir, interrupt: true, warnings: warnings);
        using var first = Context(("image", Image([1f], [1, 1, 1])));
        using var second = Context(("image", Image([2f], [1, 1, 1], properties: Properties("/data/case_08.nii.gz"))));

        transform.Apply(first);
        transform.Apply(second);

        var lines = warnings.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(1));
        Assert.That(lines[0], Does.Contain("interrupt").And.Contain("not supported in batch runs"));
        Assert.That(File.Exists(Path.Combine(_dir, "case_08_image.nii.gz")), Is.True);
    }

    [Test]
    public void NoWarningWithoutInterrupt()
    {
        using var warnings = new StringWriter();
        using var context = Context(("image", Image([1f], [1, 1, 1])));
        new SaveAsNifti(["image"], _dir, warnings: warnings).Apply(context);
        Assert.That(warnings.ToString(), Is.Empty);
    }

    [Test]
    public void BadArgsAndMissingFields()
    {
        Assert.That(() => new SaveAsNifti(["image"], " "), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("out_dir"));
        Assert.That(() => new SaveAsNifti([], _dir), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("fields"));
        using var context = Context();
        Assert.That(() => new SaveAsNifti(["image"], _dir).Apply(context),
            Throws.TypeOf<SampleFieldException>().With.Message.Contains("'image'").And.Message.Contains(nameof(SaveAsNifti)).And.Message.Contains("case_07"));
    }
}
