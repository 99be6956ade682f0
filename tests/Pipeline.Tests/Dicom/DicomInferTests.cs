using NUnit.Framework;
using Pipeline.Imaging;
using Pipeline.ImageIO.Dicom;
using Pipeline.ImageIO.Nifti;
using Pipeline.Runner;
using Pipeline.Tests.Runner;
using Pipeline.Transforms.Spatial;

namespace Pipeline.Tests.Dicom;

/// <summary><c>mmar infer --input</c> on a DICOM series folder segments it as it segments the same image as NIfTI, and data lists may name DICOM folders.</summary>
[NonParallelizable]
public sealed class DicomInferTests
{
    private string _dir = "";

    private static string Fixture(string name) => Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "dicom", name);

    // The series' DICOM files alone, without the golden NIfTI the fixture folder also holds.
    private string SeriesOnly(string name)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "series", name)).FullName;
        foreach (var file in Directory.GetFiles(Fixture(name), "*.dcm")) File.Copy(file, Path.Combine(folder, Path.GetFileName(file)), overwrite: true);
        return folder;
    }

    [OneTimeSetUp]
    public void Train()
    {
        _dir = TinyTrainingMmar.Create(TinyTrainingMmar.Config.Replace("\"epochs\": 2", "\"epochs\": 1", StringComparison.Ordinal));
        Assert.That(CliRun.Invoke("train", "-m", _dir).ExitCode, Is.EqualTo(ExitCodes.Success));
        File.WriteAllText(Path.Combine(_dir, "config", "config_validation.json"), """
            {
              "pre_transforms": [
                { "name": "LoadImage", "args": { "fields": "image", "series_modality": "MR", "as_closest_canonical": true } },
                { "name": "ScaleIntensityRange", "args": { "fields": "image", "a_min": 0, "a_max": 255, "b_min": -1.0, "b_max": 2.0, "clip": true } }
              ],
              "model_loader": { "name": "CheckpointLoader", "args": { "checkpoint_dir": "{MMAR_CKPT_DIR}" } },
              "inferer": { "name": "ScanWindowInferer", "args": { "roi_size": [32, 32, 16], "batch_size": 2 } },
              "post_transforms": [ { "name": "ArgmaxAcrossChannels", "args": { "fields": "model", "dtype": "uint8" } } ],
              "writers": [ { "name": "WriteNifti", "args": { "field": "model", "dtype": "uint8" } } ]
            }
            """);
        WriteSegConfig();
    }

    // The same config writing a SEG besides the NIfTI.
    private void WriteSegConfig() =>
        File.WriteAllText(Path.Combine(_dir, "config", "config_seg.json"), File.ReadAllText(Path.Combine(_dir, "config", "config_validation.json")).Replace(
            "\"writers\": [", """
            "writers": [
                { "name": "WriteDicomSeg", "args": { "field": "model", "series_description": "Brain mask",
                  "segments": { "1": { "label": "Brain", "category": "SCT:91723000:Anatomical Structure", "type": "SCT:12738006:Brain" } } } },
            """, StringComparison.Ordinal));

    [OneTimeTearDown]
    public void Remove() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void ADicomFolderIsSegmentedAsTheSameImageAsNifti()
    {
        var fromDicom = CliRun.Invoke("infer", "-m", _dir, "-i", SeriesOnly("mr_axial_explicit_le"), "-o", Path.Combine(_dir, "from_dicom"));
        var fromNifti = CliRun.Invoke("infer", "-m", _dir, "-i", Path.Combine(Fixture("mr_axial_explicit_le"), "golden.nii.gz"), "-o", Path.Combine(_dir, "from_nifti"));

        Assert.That(fromDicom.ExitCode, Is.EqualTo(ExitCodes.Success), fromDicom.ToString());
        Assert.That(fromNifti.ExitCode, Is.EqualTo(ExitCodes.Success), fromNifti.ToString());
        using var a = NiftiReader.Read(Directory.GetFiles(Path.Combine(_dir, "from_dicom"), "*_model.nii.gz", SearchOption.AllDirectories).Single());
        using var b = NiftiReader.Read(Directory.GetFiles(Path.Combine(_dir, "from_nifti"), "*_model.nii.gz", SearchOption.AllDirectories).Single());
        // dcm2niix stores the axes in its own order; the loader brings both to RAS (as_closest_canonical), so the network sees
        // the same voxels, and each mask is written back on its own file's grid: in world space (RAS order) they must agree.
        using var x = Reorientation.Apply(a, "RAS");
        using var y = Reorientation.Apply(b, "RAS");
        Assert.That(x.Affine.ApproximatelyEquals(y.Affine, 1e-4), Is.True, $"{x.Affine}\n{y.Affine}");
        Assert.That(x.Data.eq(y.Data).all().item<bool>(), Is.True, "the masks differ voxel for voxel");
        Assert.That(x.Data.sum().item<long>(), Is.GreaterThan(0), "the model segments something");
    }

    [Test]
    public void InferWritesASegThatDciodvfyAcceptsAndThatOverlaysTheNiftiMask()
    {
        var series = SeriesOnly("mr_axial_explicit_le");

        var run = CliRun.Invoke("infer", "-m", _dir, "-c", "config/config_seg.json", "-i", series, "-o", Path.Combine(_dir, "seg"));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        var segFile = Directory.GetFiles(Path.Combine(_dir, "seg"), "*_model.seg.dcm", SearchOption.AllDirectories).Single();
        var (report, errors) = Dciodvfy.Check(segFile);
        TestContext.Progress.WriteLine($"dciodvfy | {Path.GetFileName(segFile)} | {errors.Count} errors, {report.Split('\n').Count(l => l.StartsWith("Warning", StringComparison.Ordinal))} warnings");
        Assert.That(errors, Is.Empty, report);

        var seg = DicomSegReader.Read(segFile);
        using var segLabels = seg.Labels;
        using var mask = NiftiReader.Read(Directory.GetFiles(Path.Combine(_dir, "seg"), "*_model.nii.gz", SearchOption.AllDirectories).Single());
        Assert.That(seg.Segments.Select(s => (s.Number, s.Label, s.Type.Meaning)), Is.EqualTo(new[] { (1, "Brain", "Brain") }));
        // The SEG holds the slices with any mask: its grid is the source grid's, from the first such slice to the last.
        var (i, j, k) = mask.Affine.Inverse().Apply(segLabels.Affine[0, 3], segLabels.Affine[1, 3], segLabels.Affine[2, 3]);
        var k0 = (int)Math.Round(k);
        Assert.That(new[] { Math.Abs(i), Math.Abs(j), Math.Abs(k - k0) }.Max(), Is.LessThan(1e-3), "the SEG's frames lie on the source slices");
        var shifted = mask.Affine.Multiply(AffineMatrix.FromRowMajor([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, k0, 0, 0, 0, 1]));
        Assert.That(segLabels.Affine.ApproximatelyEquals(shifted, 1e-4), Is.True, $"{segLabels.Affine}\n{shifted}");
        using var window = mask.Data.narrow(3, k0, segLabels.SpatialShape[2]).to_type(TorchSharp.torch.ScalarType.Int32);
        Assert.That(window.eq(segLabels.Data).all().item<bool>(), Is.True, "the SEG's mask differs from the NIfTI's");
        Assert.That(window.sum().item<long>(), Is.EqualTo(mask.Data.to_type(TorchSharp.torch.ScalarType.Int64).sum().item<long>()), "mask voxels outside the SEG's slices");
        Assert.That(window.sum().item<long>(), Is.GreaterThan(0));
    }

    [Test]
    public void ASegForANiftiInputIsRefusedBeforeAnythingIsWritten()
    {
        var input = Path.Combine(Fixture("mr_axial_explicit_le"), "golden.nii.gz");

        var run = CliRun.Invoke("infer", "-m", _dir, "-c", "config/config_seg.json", "-i", input, "-o", Path.Combine(_dir, "seg_nifti"));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.ConfigError), run.ToString());
        Assert.That(run.Error, Does.Contain($"--input: error: {input} is a NIfTI file, but writers[0] (WriteDicomSeg) writes a SEG only for an input read from a DICOM series"));
        Assert.That(Directory.Exists(Path.Combine(_dir, "seg_nifti")), Is.False, "not even the NIfTI writer's file is written");
    }

    [Test]
    public void CheckRefusesASegWriterWhoseInputIsNotReadFromDicom()
    {
        File.WriteAllText(Path.Combine(_dir, "config", "seg_from_nifti.json"),
            File.ReadAllText(Path.Combine(_dir, "config", "config_seg.json")).Replace("\"LoadImage\", \"args\": { \"fields\": \"image\", \"series_modality\": \"MR\", \"as_closest_canonical\": true }", "\"LoadNifti\", \"args\": { \"fields\": \"image\" }", StringComparison.Ordinal));

        File.WriteAllText(Path.Combine(_dir, "config", "series_list.json"), $$"""{ "validation": [ { "image": "{{SeriesOnly("mr_axial_explicit_le")}}" } ] }""");

        var check = CliRun.Invoke("check", "-m", _dir, "-c", "config/seg_from_nifti.json", "--set", "DATASET_JSON=config/series_list.json");
        var seg = CliRun.Invoke("check", "-m", _dir, "-c", "config/config_seg.json", "--set", "DATASET_JSON=config/series_list.json");
        var niftiList = CliRun.Invoke("check", "-m", _dir, "-c", "config/config_seg.json");

        Assert.That(check.ExitCode, Is.EqualTo(ExitCodes.ConfigError), check.ToString());
        Assert.That(check.Error, Does.Contain("writers[0].args.src_field").And.Contain("field 'image' is loaded by LoadNifti (pre_transforms[0]), which reads no DICOM"));
        Assert.That(seg.ExitCode, Is.EqualTo(ExitCodes.Success), seg.ToString());
        Assert.That(niftiList.ExitCode, Is.EqualTo(ExitCodes.ConfigError), niftiList.ToString());
        Assert.That(niftiList.Error, Does.Contain("validation[0].image: error: ").And.Contain(".nii.gz is a NIfTI file, but writers[0] (WriteDicomSeg)"));
    }

    [Test]
    public void TheEmbeddingApiSegmentsADicomFolderAsInferDoes()
    {
        var series = SeriesOnly("mr_axial_explicit_le");
        var infer = CliRun.Invoke("infer", "-m", _dir, "-i", series, "-o", Path.Combine(_dir, "api_reference"));
        Assert.That(infer.ExitCode, Is.EqualTo(ExitCodes.Success), infer.ToString());
        using var segmenter = Pipeline.Inference.MmarSegmenter.Open(_dir);

        var result = segmenter.Segment(series);

        using var expected = NiftiReader.Read(Directory.GetFiles(Path.Combine(_dir, "api_reference"), "*_model.nii.gz", SearchOption.AllDirectories).Single());
        using var labels = expected.Data.to_type(TorchSharp.torch.ScalarType.Int32).contiguous();
        Assert.That(result.Labels, Is.EqualTo(labels.data<int>().ToArray()));
        Assert.That(result.Affine.ApproximatelyEquals(expected.Affine), Is.True);
    }

    [Test]
    public void AFolderMixingNiftiAndDicomIsRefusedForInfer()
    {
        var run = CliRun.Invoke("infer", "-m", _dir, "-i", Fixture("mr_axial_explicit_le"), "-o", Path.Combine(_dir, "mixed"));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.ConfigError), run.ToString());
        Assert.That(run.Error, Does.Contain("--input").And.Contain("both NIfTI images (golden.nii.gz) and DICOM files"));
        Assert.That(Directory.Exists(Path.Combine(_dir, "mixed")), Is.False);
    }

    [Test]
    public void ADataListMayNameADicomFolderForADicomLoaderOnly()
    {
        File.WriteAllText(Path.Combine(_dir, "config", "dicom_list.json"), $$"""{ "validation": [ { "image": "{{Fixture("ct_axial")}}" } ] }""");

        var dicom = CliRun.Invoke("check", "-m", _dir, "-c", "config/config_validation.json", "--set", "DATASET_JSON=config/dicom_list.json");
        File.WriteAllText(Path.Combine(_dir, "config", "nifti_only.json"),
            File.ReadAllText(Path.Combine(_dir, "config", "config_validation.json")).Replace("\"LoadImage\", \"args\": { \"fields\": \"image\", \"series_modality\": \"MR\", \"as_closest_canonical\": true }", "\"LoadNifti\", \"args\": { \"fields\": \"image\" }", StringComparison.Ordinal));
        var nifti = CliRun.Invoke("check", "-m", _dir, "-c", "config/nifti_only.json", "--set", "DATASET_JSON=config/dicom_list.json");

        Assert.That(dicom.ExitCode, Is.EqualTo(ExitCodes.Success), dicom.ToString());
        Assert.That(nifti.ExitCode, Is.EqualTo(ExitCodes.ConfigError), nifti.ToString());
        Assert.That(nifti.Error, Does.Contain("validation[0].image").And.Contain("is a folder"));
    }
}
