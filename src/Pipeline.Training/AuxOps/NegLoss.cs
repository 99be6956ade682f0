using Pipeline.Components;
using static TorchSharp.torch;

namespace Pipeline.Training.AuxOps;

/// <summary>Clara's <c>NegLoss</c> aux op: the negated step loss under <c>tag</c>, so that a loss can serve as a higher-is-better key metric (with <c>ComputeAverage(field=tag)</c>).</summary>
[Component(ComponentKind.AuxOp, "NegLoss")]
public sealed class NegLoss : IAuxOp
{
    /// <summary>Configures the op with Clara's args.</summary>
    public NegLoss(string tag = "negloss")
    {
        AuxOpTags.Check("tag", [tag]);
        Tags = [tag];
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Tags { get; }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, Tensor> Compute(Tensor prediction, Tensor label, Tensor loss)
    {
        if (loss.numel() != 1)
            throw new ArgumentException($"NegLoss: the loss must be a single value; got shape [{string.Join(", ", loss.shape)}]");
        using var noGrad = no_grad();
        return new Dictionary<string, Tensor> { [Tags[0]] = loss.detach().to(ScalarType.Float32).reshape([]).neg() };
    }
}
