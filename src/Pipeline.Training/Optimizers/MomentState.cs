using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace Pipeline.Training.Optimizers;

/// <summary>Per-parameter state of the Adam family: step count, first moment, second moment and its running maximum (amsgrad), saved as torch's Adam saves them.</summary>
public abstract class MomentState(Parameter parameter) : OptimizerState(parameter), IDisposable
{
    /// <summary>Steps taken.</summary>
    public long Step;

    /// <summary>First moment m, shaped like the parameter.</summary>
    public Tensor ExpAvg = null!;

    /// <summary>Second moment v.</summary>
    public Tensor ExpAvgSq = null!;

    /// <summary>Running maximum of v (amsgrad only).</summary>
    public Tensor? MaxExpAvgSq;

    /// <inheritdoc />
    public void Dispose()
    {
        ExpAvg.Dispose();
        ExpAvgSq.Dispose();
        MaxExpAvgSq?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc />
    public override void to(Device device)
    {
        ExpAvg = Move(ExpAvg, device);
        ExpAvgSq = Move(ExpAvgSq, device);
        if (MaxExpAvgSq is not null) MaxExpAvgSq = Move(MaxExpAvgSq, device);
    }

    private static Tensor Move(Tensor t, Device device)
    {
        var moved = t.to(device).DetachFromDisposeScope();
        if (!ReferenceEquals(moved, t)) t.Dispose();
        return moved;
    }

    /// <inheritdoc />
    public override void LoadStateDict(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        Step = reader.ReadInt64();
        ExpAvg.Load(reader);
        ExpAvgSq.Load(reader);
        if (reader.ReadBoolean())
        {
            MaxExpAvgSq ??= zeros_like(ExpAvgSq).DetachFromDisposeScope();
            MaxExpAvgSq.Load(reader);
        }
        else
        {
            MaxExpAvgSq?.Dispose();
            MaxExpAvgSq = null;
        }
    }

    /// <inheritdoc />
    public override void SaveStateDict(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(Step);
        ExpAvg.Save(writer);
        ExpAvgSq.Save(writer);
        writer.Write(MaxExpAvgSq is not null);
        MaxExpAvgSq?.Save(writer);
    }

    /// <inheritdoc />
    public override void LoadStateDict(OptimizerState source)
    {
        var s = (MomentState)source;
        using (no_grad())
        {
            ExpAvg.copy_(s.ExpAvg);
            ExpAvgSq.copy_(s.ExpAvgSq);
            if (s.MaxExpAvgSq is not null)
            {
                MaxExpAvgSq ??= zeros_like(ExpAvgSq).DetachFromDisposeScope();
                MaxExpAvgSq.copy_(s.MaxExpAvgSq);
            }
        }
        Step = s.Step;
    }

    /// <inheritdoc />
    public override bool ApproximatelyEquals(OptimizerState other) =>
        other is MomentState s && s.Step == Step && ExpAvg.allclose(s.ExpAvg) && ExpAvgSq.allclose(s.ExpAvgSq) &&
        (MaxExpAvgSq is null ? s.MaxExpAvgSq is null : s.MaxExpAvgSq is not null && MaxExpAvgSq.allclose(s.MaxExpAvgSq));
}
