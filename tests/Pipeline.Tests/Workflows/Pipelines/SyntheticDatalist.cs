using System.Text.Json.Nodes;
using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;
using Pipeline.ImageIO.Nifti;
using static TorchSharp.torch;

namespace Pipeline.Tests.Workflows.Pipelines;

/// <summary>A temporary folder of small NIfTI volumes (item i's voxels are 1000·i + voxel index) with a decathlon data list.</summary>
internal sealed class SyntheticDatalist : IDisposable
{
    public const int Side = 8;

    public SyntheticDatalist(int count, int? brokenItem = null)
    {
        Folder = Directory.CreateTempSubdirectory("image-pipeline-").FullName;
        var list = new JsonArray();
        for (var i = 0; i < count; i++)
        {
            var image = $"img{i}.nii.gz";
            var label = $"lab{i}.nii.gz";
            if (i == brokenItem) File.WriteAllText(Path.Combine(Folder, image), "not a nifti file");
            else
            {
                using var data = (arange(Side * Side * Side, ScalarType.Float32) + 1000f * i).reshape(1, Side, Side, Side);
                using var img = new MedicalImage(data.clone(), AffineMatrix.Identity);
                NiftiWriter.Write(img, Path.Combine(Folder, image));
            }
            using var mask = zeros(new long[] { 1, Side, Side, Side }, ScalarType.Byte);
            mask[0, 2.., 2.., 2..] = tensor((byte)1);
            using var lab = new MedicalImage(mask.clone(), AffineMatrix.Identity);
            NiftiWriter.Write(lab, Path.Combine(Folder, label));
            list.Add(new JsonObject { ["image"] = image, ["label"] = label });
        }
        DatalistFile = Path.Combine(Folder, "dataset.json");
        File.WriteAllText(DatalistFile, new JsonObject { ["training"] = list }.ToJsonString());
    }

    public string Folder { get; }

    public string DatalistFile { get; }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

/// <summary>Counts the samples it sees and optionally waits, so tests can observe how far producers run ahead.</summary>
internal sealed class CountingTransform(int delayMs = 0) : ITransform
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public bool IsDeterministic => true;

    public void Apply(TransformContext context)
    {
        if (delayMs > 0) Thread.Sleep(delayMs);
        Interlocked.Increment(ref _count);
    }
}

/// <summary>Keeps every batch it sees, so tests can check which were disposed.</summary>
internal sealed class RecordingBatchTransform : IBatchTransform
{
    private readonly List<SampleBatch> _seen = [];

    public IReadOnlyList<SampleBatch> Seen
    {
        get { lock (_seen) return _seen.ToList(); }
    }

    public void Apply(SampleBatch batch)
    {
        lock (_seen) _seen.Add(batch);
    }
}
