using TorchSharp.Modules;

namespace Pipeline.Training.Optimizers;

/// <summary>Hyper-parameters the Adam family shares — β₁, β₂, ε, weight decay — saved first, in torch's order; each optimizer adds its switches after them.</summary>
public abstract class MomentOptions : OptimizerOptions
{
    /// <summary>Decay of the first moment.</summary>
    public double? Beta1;

    /// <summary>Decay of the second moment.</summary>
    public double? Beta2;

    /// <summary>Added to the denominator.</summary>
    public double? Eps;

    /// <summary>Weight of the L2 term.</summary>
    public double? WeightDecay;

    /// <summary>Fills what this group leaves unset from <paramref name="defaults"/>.</summary>
    public virtual void FillFrom(MomentOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        LearningRate ??= defaults.LearningRate;
        Beta1 ??= defaults.Beta1;
        Beta2 ??= defaults.Beta2;
        Eps ??= defaults.Eps;
        WeightDecay ??= defaults.WeightDecay;
        InitialLearningRate = LearningRate!.Value;
    }

    /// <inheritdoc />
    public override void LoadStateDict(OptimizerOptions source)
    {
        base.LoadStateDict(source);
        var s = (MomentOptions)source;
        (Beta1, Beta2, Eps, WeightDecay) = (s.Beta1, s.Beta2, s.Eps, s.WeightDecay);
    }

    /// <inheritdoc />
    public override void LoadStateDict(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        base.LoadStateDict(reader);
        Beta1 = reader.ReadDouble();
        Beta2 = reader.ReadDouble();
        Eps = reader.ReadDouble();
        WeightDecay = reader.ReadDouble();
    }

    /// <inheritdoc />
    public override void SaveStateDict(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        base.SaveStateDict(writer);
        writer.Write(Beta1!.Value);
        writer.Write(Beta2!.Value);
        writer.Write(Eps!.Value);
        writer.Write(WeightDecay!.Value);
    }
}
