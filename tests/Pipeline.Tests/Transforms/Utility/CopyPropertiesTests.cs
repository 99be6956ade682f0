using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;
using Pipeline.Transforms.Utility;
using static Pipeline.Tests.Transforms.Labels.LabelTestData;

namespace Pipeline.Tests.Transforms.Utility;

public sealed class CopyPropertiesTests
{
    private static readonly AffineMatrix PredictionAffine = AffineMatrix.Diagonal(1, 1, 1);

    private static ImageProperties PredictionProperties() => new()
    {
        SourceFiles = ["/out/pred.nii.gz"],
        OriginalAffine = AffineMatrix.Diagonal(3, 3, 3),
        OriginalSpatialShape = [2, 2, 2],
        Extra = new Dictionary<string, object> { ["crop"] = "x" },
    };

    [Test]
    public void CopiesAffineAndPropertiesOntoEachFieldAndKeepsTheirData()
    {
        using var context = Context(
            ("image", Image([1f, 2f, 3f, 4f], [1, 2, 2, 1])),
            ("model", Image([0f, 1f, 1f, 0f], [1, 2, 2, 1], PredictionAffine, PredictionProperties())),
            ("pred_class1", Image([5f, 6f, 7f, 8f], [1, 2, 2, 1], PredictionAffine, PredictionProperties())));

        new CopyProperties(["model", "pred_class1"], "image").Apply(context);

        foreach (var field in new[] { "model", "pred_class1" })
        {
            var image = context.GetImage(field, "test");
            Assert.That(image.Affine, Is.EqualTo(Affine));
            Assert.That(image.Properties.SourceFiles, Is.EqualTo(new[] { "/data/case_07.nii.gz" }));
            Assert.That(image.Properties.OriginalAffine, Is.EqualTo(AffineMatrix.Diagonal(2, 2, 2)));
            Assert.That(image.Properties.OriginalSpatialShape, Is.EqualTo(new long[] { 10, 11, 12 }));
            Assert.That(image.Properties.Extra, Is.Empty);
        }
        // The replaced images were disposed by the context; the data must still be readable.
        Assert.That(Values(context, "model"), Is.EqualTo(new float[] { 0, 1, 1, 0 }));
        Assert.That(Values(context, "pred_class1"), Is.EqualTo(new float[] { 5, 6, 7, 8 }));
        Assert.That(context.GetImage("image", "test").Affine, Is.EqualTo(Affine));
    }

    [Test]
    public void PropertiesArgLimitsWhatIsCopied()
    {
        using var context = Context(
            ("image", Image([1f, 2f], [1, 2, 1])),
            ("model", Image([0f, 1f], [1, 2, 1], PredictionAffine, PredictionProperties())));

        new CopyProperties(["model"], "image", ["affine"]).Apply(context);

        var model = context.GetImage("model", "test");
        Assert.That(model.Affine, Is.EqualTo(Affine));
        Assert.That(model.Properties.SourceFiles, Is.EqualTo(new[] { "/out/pred.nii.gz" }));
        Assert.That(model.Properties.OriginalSpatialShape, Is.EqualTo(new long[] { 2, 2, 2 }));
        Assert.That(model.Properties.Extra.ContainsKey("crop"), Is.True);
    }

    [Test]
    public void AffineNeedsTheSameGridButProvenanceDoesNot()
    {
        using var context = Context(
            ("image", Image([1f, 2f, 3f, 4f], [1, 2, 2])),
            ("model", Image([0f, 1f, 1f], [1, 3, 1], PredictionAffine, PredictionProperties())));

        Assert.That(() => new CopyProperties(["model"], "image", ["affine"]).Apply(context),
            Throws.TypeOf<SampleFieldException>().With.Message.Contains("'model'").And.Message.Contains("same grid").And.Message.Contains(nameof(CopyProperties)));

        new CopyProperties(["model"], "image", ["filename", "original_shape"]).Apply(context);
        var model = context.GetImage("model", "test");
        Assert.That(model.Affine, Is.EqualTo(PredictionAffine));
        Assert.That(model.Properties.SourceFiles, Is.EqualTo(new[] { "/data/case_07.nii.gz" }));
        Assert.That(model.Properties.OriginalSpatialShape, Is.EqualTo(new long[] { 10, 11, 12 }));
        Assert.That(model.Properties.OriginalAffine, Is.EqualTo(AffineMatrix.Diagonal(3, 3, 3)));
    }

    [Test]
    public void APlainSourceIsCopiedOntoEveryCrop()
    {
        using var context = Context(
            ("image", Image([1f, 2f], [1, 2, 1])),
            ("model", new ImageBatch([Image([0f, 1f], [1, 2, 1], PredictionAffine), Image([1f, 1f], [1, 2, 1], PredictionAffine)])));
        new CopyProperties(["model"], "image").Apply(context);
        var crops = (ImageBatch)context.Get("model")!;
        Assert.That(crops.Items.Select(c => c.Affine), Is.All.EqualTo(Affine));
        Assert.That(Values(crops.Items[1].Data), Is.EqualTo(new float[] { 1, 1 }));
    }

    [Test]
    public void ABatchSourceIsCopiedCropByCrop()
    {
        var second = AffineMatrix.Diagonal(4, 4, 4);
        using var context = Context(
            ("image", new ImageBatch([Image([1f], [1, 1, 1]), Image([2f], [1, 1, 1], second)])),
            ("model", new ImageBatch([Image([0f], [1, 1, 1], PredictionAffine), Image([1f], [1, 1, 1], PredictionAffine)])),
            ("single", Image([1f], [1, 1, 1], PredictionAffine)));

        new CopyProperties(["model"], "image").Apply(context);
        var crops = (ImageBatch)context.Get("model")!;
        Assert.That(crops.Items[0].Affine, Is.EqualTo(Affine));
        Assert.That(crops.Items[1].Affine, Is.EqualTo(second));

        Assert.That(() => new CopyProperties(["single"], "image").Apply(context),
            Throws.TypeOf<SampleFieldException>().With.Message.Contains("crop by crop"));
    }

    [Test]
    public void BadArgsNameTheArg()
    {
        Assert.That(() => new CopyProperties([], "image"), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("fields"));
        Assert.That(() => new CopyProperties(["model"], ""), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("from_field"));
        Assert.That(() => new CopyProperties(["model"], "image", ["affine", "spacing"]), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("properties[1]"));
        Assert.That(() => new CopyProperties(["model"], "image", []), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("properties"));
    }

    [Test]
    public void MissingFieldsAreReportedWithTheSample()
    {
        using var context = Context(("model", Image([0f], [1, 1, 1])));
        Assert.That(() => new CopyProperties(["model"], "image").Apply(context),
            Throws.TypeOf<SampleFieldException>().With.Message.Contains("'image'").And.Message.Contains(nameof(CopyProperties)).And.Message.Contains("case_07"));
        Assert.That(() => new CopyProperties(["pred"], "model").Apply(context),
            Throws.TypeOf<SampleFieldException>().With.Message.Contains("'pred'"));
    }

    [Test]
    public void DeclaresWhatItReadsAndWrites()
    {
        var t = new CopyProperties(["model", "pred"], "image");
        Assert.That(t.ReadsFields, Is.EqualTo(new[] { "image", "model", "pred" }));
        Assert.That(t.WritesFields, Is.EqualTo(new[] { "model", "pred" }));
    }
}
