using Microsoft.ML.OnnxRuntime;
using TensorElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;
using Pipeline.Networks;
using static TorchSharp.torch;

namespace Pipeline.Onnx;

/// <summary>An ONNX model run by ONNX Runtime, behind the module interface the inferers call, so windows are stitched exactly as for our own networks.</summary>
/// <remarks>
/// The window batch is handed to ONNX Runtime in place (its memory wrapped, not copied), and the runtime writes the
/// prediction straight into a tensor allocated for it, so a window crosses no extra copy either way. With several
/// sessions of the same model (one per GPU), each call takes a free one, so concurrent window batches spread over them.
/// </remarks>
public sealed class OnnxRuntimeNetwork : nn.Module<Tensor, Tensor>, INetwork, IConcurrentNetwork
{
    private readonly InferenceSession[] _sessions;
    private readonly System.Collections.Concurrent.BlockingCollection<InferenceSession> _free = [];
    private readonly long[] _calls;
    private readonly long _outputChannels;
    private readonly bool _sameSize;

    /// <summary>Wraps an open session of a model written by <see cref="OnnxExporter"/> (input <c>image</c>, output <c>prediction</c>); its contract is read from the model's metadata unless given.</summary>
    public OnnxRuntimeNetwork(InferenceSession session, InputContract? contract = null) : this([session], contract)
    {
    }

    /// <summary>Wraps open sessions of the same model, one per device; each forward call runs on a free one.</summary>
    public OnnxRuntimeNetwork(IReadOnlyList<InferenceSession> sessions, InputContract? contract = null) : base(nameof(OnnxRuntimeNetwork))
    {
        ArgumentNullException.ThrowIfNull(sessions);
        if (sessions.Count == 0 || sessions.Any(s => s is null)) throw new ArgumentException("give at least one session", nameof(sessions));
        _sessions = [.. sessions];
        _calls = new long[_sessions.Length];
        foreach (var s in _sessions) _free.Add(s);
        var session = _sessions[0];
        InputContract = contract
            ?? (session.ModelMetadata.CustomMetadataMap.TryGetValue(OnnxModelMetadata.InputContract, out var json)
                ? InputContract.FromJson(json)
                : throw new InvalidDataException($"the model carries no {OnnxModelMetadata.InputContract} metadata; export it with mmar export"));
        if (!session.InputMetadata.ContainsKey(OnnxModelMetadata.InputName) || !session.OutputMetadata.TryGetValue(OnnxModelMetadata.OutputName, out var output))
            throw new InvalidDataException(
                $"the model's input and output are named [{string.Join(", ", session.InputMetadata.Keys)}] → [{string.Join(", ", session.OutputMetadata.Keys)}]; " +
                $"expected '{OnnxModelMetadata.InputName}' → '{OnnxModelMetadata.OutputName}' (export it with mmar export)");
        _outputChannels = output.Dimensions.Length > 1 && output.Dimensions[1] > 0 ? output.Dimensions[1]
            : throw new InvalidDataException("the model's output does not state its channel count");
        // Same named (or same fixed) spatial axes in and out: the output can be allocated before the run and written in place.
        var input = session.InputMetadata[OnnxModelMetadata.InputName];
        _sameSize = output.Dimensions.Length == input.Dimensions.Length && Enumerable.Range(2, input.Dimensions.Length - 2).All(i =>
            input.Dimensions[i] > 0 ? output.Dimensions[i] == input.Dimensions[i] : output.SymbolicDimensions[i] == input.SymbolicDimensions[i]);
    }

    /// <inheritdoc />
    public InputContract InputContract { get; }

    /// <inheritdoc />
    public int ConcurrentCalls => _sessions.Length;

    /// <summary>Forward calls each session has run, in the order given.</summary>
    public IReadOnlyList<long> CallsPerSession => [.. Enumerable.Range(0, _calls.Length).Select(i => Interlocked.Read(ref _calls[i]))];

    /// <inheritdoc />
    public override unsafe Tensor forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        using var input = x.device_type == TorchSharp.DeviceType.CPU && x.dtype == ScalarType.Float32 && x.is_contiguous()
            ? x.alias() : x.to(ScalarType.Float32, CPU).contiguous();
        var inputShape = input.shape;
        using var inputValue = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, TensorElementType.Float, inputShape,
            Pointer(input), input.numel() * sizeof(float));
        using var options = new RunOptions();
        if (!_sameSize)
        {
            // Unpadded convolutions shrink the output by an amount the runtime computes: it allocates, and the result is copied once.
            using var outputs = Run(session => session.Run(options, [OnnxModelMetadata.InputName], [inputValue], [OnnxModelMetadata.OutputName]));
            var value = outputs[0];
            return tensor(value.GetTensorDataAsSpan<float>().ToArray(), value.GetTensorTypeAndShape().Shape);
        }
        var output = empty([inputShape[0], _outputChannels, .. inputShape.Skip(2)], ScalarType.Float32);
        try
        {
            using var outputValue = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, TensorElementType.Float, output.shape,
                Pointer(output), output.numel() * sizeof(float));
            Run(session =>
            {
                session.Run(options, [OnnxModelMetadata.InputName], [inputValue], [OnnxModelMetadata.OutputName], [outputValue]);
                return 0;
            });
            return output;
        }
        catch
        {
            output.Dispose();
            throw;
        }
    }

    // Runs on a free session and counts the call.
    private T Run<T>(Func<InferenceSession, T> run)
    {
        var session = _free.Take();
        try
        {
            var result = run(session);
            Interlocked.Increment(ref _calls[Array.IndexOf(_sessions, session)]);
            return result;
        }
        finally
        {
            _free.Add(session);
        }
    }

    private static unsafe IntPtr Pointer(Tensor tensor)
    {
        using var flat = tensor.view(-1);
        using var first = flat.narrow(0, 0, 1);
        fixed (byte* p = first.bytes) return (IntPtr)p;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var session in _sessions) session.Dispose();
            _free.Dispose();
        }
        base.Dispose(disposing);
    }
}
