using Pipeline.Native;
using Pipeline.Components;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Training.Losses;

/// <summary>Clara's <c>CrossEntropyDice</c>: <c>lambda_dice · Dice + lambda_ce · CrossEntropy</c> (equal weights of 1 by default).</summary>
/// <remarks>As in MONAI's DiceCELoss, <c>skip_background</c> applies to the Dice term only; cross-entropy covers every channel.</remarks>
[Component(ComponentKind.Loss, "CrossEntropyDice")]
public sealed class CrossEntropyDiceLoss : ILoss
{
    private readonly DiceLoss _dice;
    private readonly CrossEntropyLoss _crossEntropy;

    /// <summary>Configures both terms; the Dice args are those of <see cref="DiceLoss"/>.</summary>
    public CrossEntropyDiceLoss(string dataFormat = "channels_first", bool skipBackground = false, bool squaredPred = false,
        bool jaccard = false, double smooth = 1e-5, double topSmooth = 0.0, bool isOnehotTargets = false,
        double lambdaDice = 1.0, double lambdaCe = 1.0, double ceSmooth = 1e-8)
    {
        ClassTargets.CheckWeight("lambda_dice", lambdaDice);
        ClassTargets.CheckWeight("lambda_ce", lambdaCe);
        _dice = new DiceLoss(dataFormat, skipBackground, squaredPred, jaccard, smooth, topSmooth, isOnehotTargets);
        try { _crossEntropy = new CrossEntropyLoss(dataFormat, skipBackground: false, ceSmooth, isOnehotTargets); }
        catch (ConfigArgException e) when (e.Arg == "smooth") { throw new ConfigArgException("ce_smooth", e.Message); }
        LambdaDice = lambdaDice;
        LambdaCe = lambdaCe;
        IsOnehotTargets = isOnehotTargets;
    }

    /// <summary>Weight of the Dice term.</summary>
    public double LambdaDice { get; }

    /// <summary>Weight of the cross-entropy term.</summary>
    public double LambdaCe { get; }

    /// <summary>Whether labels arrive one-hot.</summary>
    public bool IsOnehotTargets { get; }

    /// <inheritdoc />
    public Tensor Compute(Tensor prediction, Tensor label)
    {
        using var scope = NewDisposeScope();
        var target = ClassTargets.OneHot(prediction, label, IsOnehotTargets, "CrossEntropyDice");
        var dice = _dice.PerChannel(prediction, target).mean();
        var ce = _crossEntropy.PerVoxel(prediction, target).mean();
        return dice.Times(LambdaDice).Plus(ce.Times(LambdaCe)).MoveToOuterDisposeScope();
    }
}
