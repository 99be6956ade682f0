using Pipeline.Networks.Export;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Networks.Layers;

/// <summary>LeakyReLU whose negative slope is a native scalar it holds, instead of TorchSharp's module that converts the slope afresh on every call.</summary>
/// <remarks>A slope converted per call may be freed by the finaliser thread while libtorch reads it (see <see cref="Pipeline.Native.HeldScalars"/>).</remarks>
public sealed class LeakyRelu : nn.Module<Tensor, Tensor>, IExportable
{
    private readonly Scalar _slope;

    /// <summary>Creates the activation with the given negative slope.</summary>
    public LeakyRelu(double negativeSlope) : base("LeakyReLU")
    {
        NegativeSlope = negativeSlope;
        _slope = negativeSlope.ToScalar();
    }

    /// <summary>The slope for negative inputs.</summary>
    public double NegativeSlope { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => input.leaky_relu(_slope);

    /// <inheritdoc />
    public string Export(IGraphBuilder graph, string input) => graph.LeakyRelu(input, NegativeSlope);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) _slope.Dispose();
        base.Dispose(disposing);
    }
}
