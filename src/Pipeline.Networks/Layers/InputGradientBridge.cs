using static TorchSharp.torch;

namespace Pipeline.Networks.Layers;

/// <summary>An identity on a layer's output whose backward pass also hands the layer's input a gradient computed by a caller-supplied function.</summary>
/// <remarks>
/// Lets <see cref="ConvolutionLayer"/> record its convolution on a detached input (so libtorch computes only the weight and bias
/// gradients) and supply the input gradient itself, through a forward convolution whose CPU kernel is reliable. Arguments to
/// <c>apply</c>: the layer output, the layer input, and a <c>Func&lt;Tensor, Tensor&gt;</c> from the output gradient to the input gradient.
/// </remarks>
internal sealed class InputGradientBridge : autograd.SingleTensorFunction<InputGradientBridge>
{
    private const string GradientKey = "input_gradient";

    /// <inheritdoc/>
    public override string Name => nameof(InputGradientBridge);

    /// <inheritdoc/>
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(vars);
        ctx.save_data(GradientKey, (Func<Tensor, Tensor>)vars[2]);
        var output = (Tensor)vars[0];
        // Returned as modified in place, so this node becomes the output's history instead of a view on it: later in-place ops
        // on the output (a residual add_, an in-place ReLU) stay legal, and nothing is copied.
        ctx.mark_dirty([output]);
        return output;
    }

    /// <inheritdoc/>
    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var inputGradient = (Func<Tensor, Tensor>)ctx.get_data(GradientKey);
        // One entry per forward argument: the output passes its gradient on, the input gets the supplied one, the function none.
        return [grad_output, inputGradient(grad_output), null!];
    }
}
