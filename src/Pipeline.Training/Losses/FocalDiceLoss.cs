using Pipeline.Native;
using Pipeline.Components;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Training.Losses;

/// <summary>Clara's <c>FocalDice</c>: <c>lambda_dice · Dice + lambda_focal · Focal</c> (equal weights of 1 by default).</summary>
/// <remarks>As in MONAI's DiceFocalLoss, <c>skip_background</c> applies to the Dice term only; the focal term covers every channel.</remarks>
[Component(ComponentKind.Loss, "FocalDice")]
public sealed class FocalDiceLoss : ILoss
{
    private readonly DiceLoss _dice;
    private readonly FocalLoss _focal;

    /// <summary>Configures both terms; the Dice args are those of <see cref="DiceLoss"/>, <c>gamma</c>/<c>alpha</c> those of <see cref="FocalLoss"/>.</summary>
    public FocalDiceLoss(string dataFormat = "channels_first", bool skipBackground = false, bool squaredPred = false,
        bool jaccard = false, double smooth = 1e-5, double topSmooth = 0.0, bool isOnehotTargets = false,
        double gamma = 2.0, double? alpha = null, double lambdaDice = 1.0, double lambdaFocal = 1.0)
    {
        ClassTargets.CheckWeight("lambda_dice", lambdaDice);
        ClassTargets.CheckWeight("lambda_focal", lambdaFocal);
        _dice = new DiceLoss(dataFormat, skipBackground, squaredPred, jaccard, smooth, topSmooth, isOnehotTargets);
        _focal = new FocalLoss(dataFormat, gamma, alpha, skipBackground: false, isOnehotTargets: isOnehotTargets);
        LambdaDice = lambdaDice;
        LambdaFocal = lambdaFocal;
        IsOnehotTargets = isOnehotTargets;
    }

    /// <summary>Weight of the Dice term.</summary>
    public double LambdaDice { get; }

    /// <summary>Weight of the focal term.</summary>
    public double LambdaFocal { get; }

    /// <summary>Whether labels arrive one-hot.</summary>
    public bool IsOnehotTargets { get; }

    /// <inheritdoc />
    public Tensor Compute(Tensor prediction, Tensor label)
    {
        using var scope = NewDisposeScope();
        var target = ClassTargets.OneHot(prediction, label, IsOnehotTargets, "FocalDice");
        var dice = _dice.PerChannel(prediction, target).mean();
        var focal = _focal.PerVoxel(prediction, target).mean();
        return dice.Times(LambdaDice).Plus(focal.Times(LambdaFocal)).MoveToOuterDisposeScope();
    }
}
