using Pipeline.Configuration;
using Pipeline.Configuration.Documents;
using Pipeline.Data;
using Pipeline.Imaging;
using Pipeline.IO;
using Pipeline.Native;
using Pipeline.ImageIO.Nifti;
using Pipeline.Workflows.Evaluation;
using Microsoft.Extensions.DependencyInjection;
using static TorchSharp.torch;

namespace Pipeline.Inference;

/// <summary>
/// Segments images in-process with a trained MMAR: opened once, then called for each image with the same pre-transforms,
/// model loader, inferer and post-transforms as <c>mmar infer</c>, built the same way, writing nothing and printing nothing.
/// </summary>
/// <remarks>
/// Calls may come from several threads at once: loading and pre- and post-processing overlap, while the network runs one
/// image at a time, since it already uses every core. Native memory is freed when each call returns and, for the network,
/// when the segmenter is disposed.
/// </remarks>
public sealed class MmarSegmenter : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly EvaluationWorkflow _workflow;
    private readonly nn.Module<Tensor, Tensor> _network;
    private readonly TextWriter? _log;
    private readonly SemaphoreSlim _networkGate = new(1, 1);
    private bool _disposed;

    private MmarSegmenter(ServiceProvider services, EvaluationWorkflow workflow, nn.Module<Tensor, Tensor> network, TextWriter? log)
    {
        _services = services;
        _workflow = workflow;
        _network = network;
        _log = log;
    }

    /// <summary>The model loader's name and what it loaded, e.g. <c>CheckpointLoader</c>.</summary>
    public string ModelLoader => _workflow.LoaderName;

    /// <summary>Reads the MMAR's evaluation config, builds and checks its components as <c>mmar check</c> does, and loads the model.</summary>
    /// <param name="mmarFolder">The MMAR folder (it holds <c>config/</c> and, usually, <c>models/</c>).</param>
    /// <param name="options">Which config and environment to read, overrides, plugins and where warnings go.</param>
    /// <exception cref="ConfigException">The config or the command of what to load is wrong; <see cref="ConfigException.Problems"/> names each file and JSON path.</exception>
    /// <exception cref="TorchNativeLoadException">libtorch's native libraries cannot be loaded on this machine.</exception>
    public static MmarSegmenter Open(string mmarFolder, SegmenterOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(mmarFolder);
        options ??= new SegmenterOptions();
        TorchNativeLoader.EnsureLoaded();
        var problems = new ConfigProblems();
        var read = MmarLoader.Read(new MmarLoadOptions
        {
            MmarRoot = mmarFolder, ConfigFile = options.ConfigFile, EnvironmentFile = options.EnvironmentFile, Set = options.Set, Kind = ConfigKind.Validation,
        });
        problems.AddRange(read.Problems.Items);
        if (read.Config is not { } config) throw new ConfigException(problems.Items);
        var services = MmarServices.Create(mmarFolder, options.PluginFolders, config, problems);
        EvaluationWorkflow? workflow = null;
        try
        {
            workflow = EvaluationWorkflow.Build(config, services, problems);
            workflow.Check(problems, datalistFile: null, items: null, doValidation: false);
            problems.ThrowIfErrors();
            using var warnings = Warnings(options.Log);
            return new MmarSegmenter(services, workflow, workflow.Loader!.Load(), options.Log);
        }
        catch
        {
            workflow?.Dispose();
            services.Dispose();
            throw;
        }
    }

    /// <summary>Segments the image at <paramref name="path"/>: a NIfTI file (.nii, .nii.gz, an .hdr/.img pair), or a DICOM file or series folder when the config's loader reads DICOM (LoadImage, LoadDicom).</summary>
    /// <param name="path">The image file or DICOM folder.</param>
    /// <param name="probabilities">Also return the network's per-class output.</param>
    /// <param name="progress">Receives each stage as it starts.</param>
    /// <param name="cancellation">Checked between stages and while waiting for the network.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="NiftiFormatException">The file is not a readable NIfTI image; the message says why.</exception>
    public Segmentation Segment(string path, bool probabilities = false, IProgress<SegmentationStage>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        if (!File.Exists(full) && !Directory.Exists(full)) throw new FileNotFoundException($"{full}: the image does not exist", full);
        return Run(DatalistSamples.CreateContext(DatalistItem.ForImage(0, full), 0, 0), probabilities, progress, cancellation);
    }

    /// <summary>Segments a NIfTI image read from <paramref name="nifti"/> (a single-file .nii, gzipped or not).</summary>
    /// <inheritdoc cref="Segment(string, bool, IProgress{SegmentationStage}?, CancellationToken)" path="/param[@name='probabilities' or @name='progress' or @name='cancellation']"/>
    public Segmentation Segment(Stream nifti, bool probabilities = false, IProgress<SegmentationStage>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(nifti);
        // The reader works on files (it seeks and maps gzip members), so the stream is staged in a private temporary folder.
        var folder = Directory.CreateTempSubdirectory("mmar-segment-");
        try
        {
            var staged = new OutputFolder(folder.FullName, "stream").Write("image.nii", nifti.CopyTo);
            var image = NiftiReader.Read(staged);
            return Segment(image, "NIfTI stream", probabilities, progress, cancellation);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>Segments an image given as voxels and its affine (e.g. decoded by the host application).</summary>
    /// <inheritdoc cref="Segment(string, bool, IProgress{SegmentationStage}?, CancellationToken)" path="/param[@name='probabilities' or @name='progress' or @name='cancellation']"/>
    /// <exception cref="ArgumentException">The voxels, shape and channels disagree.</exception>
    public Segmentation Segment(ImageVolume image, bool probabilities = false, IProgress<SegmentationStage>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        image.Validate();
        long[] shape = [image.Channels, .. image.Shape.Select(s => (long)s)];
        var medical = new MedicalImage(tensor(image.Voxels, shape), image.Affine,
            new ImageProperties { OriginalAffine = image.Affine, OriginalSpatialShape = shape[1..] });
        return Segment(medical, "voxel array", probabilities, progress, cancellation);
    }

    /// <summary>Runs <see cref="Segment(string, bool, IProgress{SegmentationStage}?, CancellationToken)"/> on the thread pool.</summary>
    public Task<Segmentation> SegmentAsync(string path, bool probabilities = false, IProgress<SegmentationStage>? progress = null, CancellationToken cancellation = default) =>
        Task.Run(() => Segment(path, probabilities, progress, cancellation), cancellation);

    /// <summary>Runs <see cref="Segment(ImageVolume, bool, IProgress{SegmentationStage}?, CancellationToken)"/> on the thread pool.</summary>
    public Task<Segmentation> SegmentAsync(ImageVolume image, bool probabilities = false, IProgress<SegmentationStage>? progress = null, CancellationToken cancellation = default) =>
        Task.Run(() => Segment(image, probabilities, progress, cancellation), cancellation);

    private Segmentation Segment(MedicalImage image, string description, bool probabilities, IProgress<SegmentationStage>? progress, CancellationToken cancellation)
    {
        var context = new TransformContext(new SampleInfo(0, description));
        context.Set(ModelPrediction.ImageField, image);
        return Run(context, probabilities, progress, cancellation);
    }

    private Segmentation Run(TransformContext context, bool probabilities, IProgress<SegmentationStage>? progress, CancellationToken cancellation)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var owned = context;
        using var scope = NewDisposeScope();
        using var warnings = Warnings(_log);
        cancellation.ThrowIfCancellationRequested();
        progress?.Report(SegmentationStage.Preparing);
        _workflow.PreTransforms.Apply(context);

        progress?.Report(SegmentationStage.Queued);
        _networkGate.Wait(cancellation);
        try
        {
            progress?.Report(SegmentationStage.Inferring);
            ModelPrediction.Run(context, _workflow.Inferer!, _network);
        }
        finally
        {
            _networkGate.Release();
        }
        var prediction = context.GetImage(ModelPrediction.ModelField, "the result");
        float[]? output = null;
        if (probabilities)
        {
            using var values = prediction.Data.to_type(ScalarType.Float32).contiguous();
            output = values.data<float>().ToArray();
        }
        var outputChannels = probabilities ? (int)prediction.Channels : 0;
        IReadOnlyList<int>? outputShape = probabilities ? [.. prediction.SpatialShape.Select(s => (int)s)] : null;

        cancellation.ThrowIfCancellationRequested();
        progress?.Report(SegmentationStage.PostProcessing);
        _workflow.PostTransforms.Apply(context);
        var result = context.GetImage(ModelPrediction.ModelField, "the result");
        if (result.Channels != 1)
            throw new InvalidOperationException(
                $"after post_transforms the prediction 'model' has {result.Channels} channels, not one label per voxel; end post_transforms with e.g. ArgmaxAcrossChannels");
        using var labels = result.Data.to_type(ScalarType.Int32).contiguous();
        var segmentation = new Segmentation(labels.data<int>().ToArray(), [.. result.SpatialShape.Select(s => (int)s)], result.Affine,
            output, outputChannels, outputShape);
        progress?.Report(SegmentationStage.Done);
        return segmentation;
    }

    private static IDisposable Warnings(TextWriter? log) => NiftiWarnings.RedirectTo(message => log?.WriteLine($"warning: {message}"));

    /// <summary>Frees the network and everything the config built.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _network.Dispose();
        _workflow.Dispose();
        _services.Dispose();
        _networkGate.Dispose();
    }
}
