using Microsoft.ML.OnnxRuntime;
using Onnx;
using Pipeline.Components;
using Pipeline.Configuration.Documents;
using Pipeline.Networks;
using Pipeline.Onnx;
using static TorchSharp.torch;

namespace Pipeline.Workflows.ModelLoaders;

/// <summary>A <c>model_loader</c> for <c>config_validation.json</c> that runs an exported <c>.onnx</c> model in ONNX Runtime instead of our own network.</summary>
/// <remarks>
/// The inferer drives it like any network: the same windows, stitching, batch size and post-transforms. Execution
/// providers are tried in the order given; this build carries ONNX Runtime's CPU provider, so asking for another is
/// an error naming what is missing rather than a silent fallback.
/// </remarks>
[Component(ComponentKind.ModelLoader, "OnnxModelLoader")]
public sealed class OnnxModelLoader : IModelLoader
{
    private readonly ExecutionProvider[] _providers;
    private readonly int[] _deviceIds;
    private readonly int _threads;

    /// <summary>Validates the args.</summary>
    /// <param name="modelFilePath">The <c>.onnx</c> file (<c>mmar export</c> writes one); relative to the MMAR folder when relative.</param>
    /// <param name="executionProviders">ONNX Runtime execution providers in order of preference: tensorrt, cuda, cpu.</param>
    /// <param name="deviceId">The GPU for the cuda and tensorrt providers.</param>
    /// <param name="deviceIds">Several GPUs instead of <paramref name="deviceId"/>: one session on each, and the inferer's window batches spread over them.</param>
    /// <param name="threads">Threads of the CPU provider; 0 lets ONNX Runtime choose (one per core).</param>
    /// <param name="paths">The MMAR's folders, for relative paths.</param>
    public OnnxModelLoader(string modelFilePath, ExecutionProvider[]? executionProviders = null, int deviceId = 0, int[]? deviceIds = null, int threads = 0,
        MmarPaths? paths = null)
    {
        if (string.IsNullOrWhiteSpace(modelFilePath)) throw new ConfigArgException("model_file_path", "must name the .onnx file, e.g. {MMAR_CKPT_DIR}/model.onnx");
        _providers = executionProviders is { Length: > 0 } ? executionProviders : [ExecutionProvider.Cpu];
        if (deviceId < 0) throw new ConfigArgException("device_id", $"must be 0 or more; got {deviceId}");
        if (deviceIds is { Length: 0 }) throw new ConfigArgException("device_ids", "give at least one GPU index, e.g. [0, 1], or leave it out and use device_id");
        if (deviceIds?.FirstOrDefault(d => d < 0, 0) is < 0 and var negative) throw new ConfigArgException("device_ids", $"GPU indices are 0 or more; got {negative}");
        if (deviceIds is not null && deviceIds.Distinct().Count() != deviceIds.Length)
            throw new ConfigArgException("device_ids", $"[{string.Join(", ", deviceIds)}] names a GPU twice");
        if (threads < 0) throw new ConfigArgException("threads", $"must be 0 (one per core) or more; got {threads}");
        _deviceIds = deviceIds ?? [deviceId];
        _threads = threads;
        ModelPath = paths?.Resolve(modelFilePath) ?? Path.GetFullPath(modelFilePath);
    }

    /// <summary>The model file.</summary>
    public string ModelPath { get; }

    /// <summary>The execution providers, most preferred first.</summary>
    public IReadOnlyList<ExecutionProvider> ExecutionProviders => _providers;

    /// <inheritdoc />
    public (string File, string Arg)? Source => (ModelPath, "model_file_path");

    /// <inheritdoc />
    public (NetworkSpec Network, InputContract Contract)? Describe()
    {
        ModelProto model;
        try
        {
            using var stream = File.OpenRead(ModelPath);
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"not an ONNX model ({e.Message})", e);
        }
        var metadata = model.MetadataProps.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        if (!metadata.TryGetValue(OnnxModelMetadata.Network, out var network) || !metadata.TryGetValue(OnnxModelMetadata.InputContract, out var contract))
            throw new InvalidDataException($"the model carries no {OnnxModelMetadata.Network}/{OnnxModelMetadata.InputContract} metadata; export it with mmar export");
        return (NetworkSpec.FromJson(network, ModelPath), InputContract.FromJson(contract));
    }

    /// <inheritdoc />
    public (string Arg, int? Index, string Reason)? Unavailable()
    {
        for (var i = 0; i < _providers.Length; i++)
            if (OnnxSessions.Unavailable(_providers[i]) is { } reason) return ("execution_providers", i, reason);
        return null;
    }

    /// <inheritdoc />
    public nn.Module<Tensor, Tensor> Load()
    {
        var sessions = new List<InferenceSession>();
        try
        {
            sessions.AddRange(_deviceIds.Select(id => OnnxSessions.Open(ModelPath, _providers, id, _threads)));
            return new OnnxRuntimeNetwork(sessions);
        }
        catch (OnnxRuntimeException e)
        {
            foreach (var session in sessions) session.Dispose();
            throw new InvalidDataException($"{ModelPath}: ONNX Runtime cannot load the model: {e.Message}", e);
        }
        catch
        {
            foreach (var session in sessions) session.Dispose();
            throw;
        }
    }
}
