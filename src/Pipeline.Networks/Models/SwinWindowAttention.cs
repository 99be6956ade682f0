using Pipeline.Native;
using Pipeline.Networks.Export;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Networks.Models;

/// <summary>MONAI's <c>WindowAttention</c>: multi-head self-attention inside each window with a learned relative-position bias.</summary>
/// <remarks>
/// State-dict entries: <c>relative_position_bias_table</c> [(2W₀−1)(2W₁−1)(2W₂−1), heads] (trunc-normal std 0.02, as MONAI),
/// the persistent int64 buffer <c>relative_position_index</c> [N, N], <c>qkv.weight/bias</c> and <c>proj.weight/bias</c>.
/// When the feature map is smaller than the configured window, MONAI keeps the configured index and reads its top-left
/// n×n block; that is reproduced exactly so weights trained with MONAI give the same output.
/// </remarks>
public sealed class SwinWindowAttention : nn.Module<Tensor, Tensor?, Tensor>
{
    private readonly long _heads;
    private readonly double _scale;
    private readonly long[] _indexValues;
    private readonly long _indexSide;
    private readonly Linear _qkv;
    private readonly nn.Module<Tensor, Tensor> _attnDrop;
    private readonly Linear _proj;
    private readonly nn.Module<Tensor, Tensor> _projDrop;
    private Tensor? _indexCache;

    /// <summary>Builds attention over <paramref name="dim"/> channels split into <paramref name="heads"/> heads, for windows of <paramref name="window"/>.</summary>
    public SwinWindowAttention(long dim, long heads, IReadOnlyList<long> window, bool qkvBias, double attnDrop, double projDrop)
        : base(nameof(SwinWindowAttention))
    {
        ArgumentNullException.ThrowIfNull(window);
        _heads = heads;
        _scale = Math.Pow(dim / heads, -0.5);
        var tableRows = (2 * window[0] - 1) * (2 * window[1] - 1) * (2 * window[2] - 1);
        var biasTable = new Parameter(zeros(tableRows, heads));
        // MONAI's trunc_normal_(std=0.02) truncates at ±2, i.e. 100 standard deviations, so a clamped normal draw from
        // torch's generator has the same distribution (TorchSharp 0.107's trunc_normal_ leaves the tensor at zero).
        using (torch.no_grad())
            biasTable.normal_(0, 0.02).ClampedInPlace(-2, 2);
        var index = SwinWindowing.RelativePositionIndex(window);
        _indexSide = index.shape[0];
        _indexValues = index.data<long>().ToArray();
        _qkv = nn.Linear(dim, 3 * dim, hasBias: qkvBias);
        _attnDrop = nn.Dropout(attnDrop);
        _proj = nn.Linear(dim, dim);
        _projDrop = nn.Dropout(projDrop);

        register_parameter("relative_position_bias_table", biasTable);
        // Persistent, as MONAI registers it: MONAI checkpoints carry it and a strict load expects it.
        register_buffer("relative_position_index", index);
        register_module("qkv", _qkv);
        register_module("attn_drop", _attnDrop);
        register_module("proj", _proj);
        register_module("proj_drop", _projDrop);
    }

    /// <summary>Does nothing: children are registered by hand under MONAI's names.</summary>
    protected override void RegisterComponents()
    {
    }

    /// <summary>Attends within each window of <paramref name="x"/> [B·nW, n, C]; <paramref name="mask"/> [nW, n, n] is added before the softmax when given.</summary>
    public override Tensor forward(Tensor x, Tensor? mask)
    {
        ArgumentNullException.ThrowIfNull(x);
        using var scope = NewDisposeScope();
        long b = x.shape[0], n = x.shape[1], c = x.shape[2];
        var qkv = _qkv.call(x).reshape(b, n, 3, _heads, c / _heads).permute(2, 0, 3, 1, 4);
        var q = qkv[0].Times(_scale);
        var k = qkv[1];
        var v = qkv[2];
        var attn = q.matmul(k.transpose(-2, -1));
        var index = IndexOn(x.device)[TensorIndex.Slice(0, n), TensorIndex.Slice(0, n)].reshape(-1);
        // Looked up by name on every call: converting the module (e.g. to bfloat16) replaces the Parameter object.
        var table = get_parameter("relative_position_bias_table")!;
        var bias = table.index_select(0, index).reshape(n, n, -1).permute(2, 0, 1).contiguous();
        attn = attn.Plus(bias.unsqueeze(0).to(attn.dtype));
        if (mask is not null)
        {
            var nw = mask.shape[0];
            attn = attn.view(b / nw, nw, _heads, n, n).Plus(mask.to(attn.dtype).unsqueeze(1).unsqueeze(0));
            attn = attn.view(-1, _heads, n, n);
        }
        attn = _attnDrop.call(attn.softmax(-1));
        var y = attn.matmul(v).transpose(1, 2).reshape(b, n, c);
        return _projDrop.call(_proj.call(y)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Writes attention over the windows <paramref name="x"/> [B·nW, <paramref name="n"/>, C]; the relative-position bias
    /// is gathered now into a [heads, n, n] constant and <paramref name="mask"/> [nW, n, n], when given, becomes one too.
    /// </summary>
    internal string Export(IGraphBuilder graph, string x, long n, Tensor? mask, string hint)
    {
        using var scope = NewDisposeScope();
        var channels = _qkv.weight!.shape[1];
        var headDim = channels / _heads;
        var qkv = graph.Transpose(graph.Reshape(graph.Linear(x, _qkv.weight!, _qkv.bias, hint + ".qkv"), [-1, n, 3, _heads, headDim], hint + ".qkv_split"),
            [2, 0, 3, 1, 4]);
        string Part(long i) => graph.Reshape(graph.SliceAxis(qkv, 0, i, i + 1, 1, hint + ".part"), [-1, _heads, n, headDim], hint + ".part");
        var q = graph.Mul(Part(0), graph.Floats(hint + ".scale", (float)_scale));
        var attn = graph.MatMul(q, graph.Transpose(Part(1), [0, 1, 3, 2]));
        var index = tensor(_indexValues, [_indexSide, _indexSide])[TensorIndex.Slice(0, n), TensorIndex.Slice(0, n)].reshape(-1);
        var table = get_parameter("relative_position_bias_table")!.detach().cpu();
        var bias = table.index_select(0, index).reshape(n, n, -1).permute(2, 0, 1).contiguous();
        attn = graph.Add(attn, graph.Initializer(bias, hint + ".relative_position_bias"));
        if (mask is not null)
        {
            var windows = mask.shape[0];
            var perWindow = graph.Reshape(attn, [-1, windows, _heads, n, n], hint + ".per_window");
            attn = graph.Reshape(graph.Add(perWindow, graph.Initializer(mask.unsqueeze(1), hint + ".mask")), [-1, _heads, n, n], hint + ".windows");
        }
        var y = graph.MatMul(graph.Softmax(attn, -1), Part(2));
        y = graph.Reshape(graph.Transpose(y, [0, 2, 1, 3]), [-1, n, channels], hint + ".heads");
        return graph.Linear(y, _proj.weight!, _proj.bias, hint + ".proj");
    }

    // The index is rebuilt from the constructor's values instead of reading the buffer, because a dtype conversion of
    // the whole module (e.g. to bfloat16) may convert integer buffers too, and bfloat16 cannot hold indices above 256.
    private Tensor IndexOn(Device device)
    {
        if (_indexCache is null || _indexCache.device != device)
        {
            _indexCache?.Dispose();
            _indexCache = tensor(_indexValues, [_indexSide, _indexSide]).to(device).DetachFromDisposeScope();
        }
        return _indexCache;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) _indexCache?.Dispose();
        base.Dispose(disposing);
    }
}
