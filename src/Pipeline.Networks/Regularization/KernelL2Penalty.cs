using Pipeline.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Networks.Regularization;

/// <summary>TensorFlow's <c>l2_regularizer(scale)</c> summed over a module's convolution kernels: scale · Σ ½‖w‖².</summary>
/// <remarks>Clara's models regularised kernels only (not biases, not norm parameters); a kernel is a parameter named <c>weight</c> with at least 3 dimensions.</remarks>
public static class KernelL2Penalty
{
    /// <summary>The penalty of <paramref name="module"/>'s kernels; a zero scalar when <paramref name="scale"/> is 0.</summary>
    public static Tensor Of(nn.Module module, double scale)
    {
        ArgumentNullException.ThrowIfNull(module);
        var kernels = module.named_parameters()
            .Where(p => p.name.EndsWith("weight", StringComparison.Ordinal) && p.parameter.dim() >= 3)
            .Select(p => p.parameter)
            .ToList();
        if (kernels.Count == 0 || scale == 0)
            return zeros(Array.Empty<long>(), dtype: kernels.Count > 0 && kernels[0].dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32,
                device: kernels.Count > 0 ? kernels[0].device : null);
        using var scope = NewDisposeScope();
        // Summed in float32 (float64 for a float64 model) so that a bf16 model does not lose the small squares.
        var accumulate = kernels[0].dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        var total = kernels.Select(w => w.to(accumulate).Squared().sum()).Aggregate((a, b) => a.Plus(b));
        return total.Times(scale / 2).MoveToOuterDisposeScope();
    }
}
