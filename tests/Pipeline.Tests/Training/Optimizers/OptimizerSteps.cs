using Pipeline.Training.Optimizers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Tests.Training.Optimizers;

/// <summary>A small weight and bias, and seeded training steps on them, for comparing two optimizers step by step.</summary>
internal static class OptimizerSteps
{
    /// <summary>A 4×5 weight and a bias of 5, drawn from <paramref name="seed"/>.</summary>
    public static (Parameter W, Parameter B) Parameters(long seed)
    {
        var generator = new Generator((ulong)seed);
        return (new Parameter(randn([4, 5], generator: generator)), new Parameter(randn([5], generator: generator)));
    }

    /// <summary>One step at <paramref name="lr"/> on a loss drawn from <paramref name="step"/>, linear in w and quadratic in b.</summary>
    public static void Step(optim.Optimizer optimizer, Parameter w, Parameter b, int step, double lr)
    {
        using var scope = NewDisposeScope();
        OptimizerLearningRate.Set(optimizer, lr);
        optimizer.zero_grad();
        var generator = new Generator((ulong)(100 + step));
        var loss = w.mul(randn([4, 5], generator: generator)).sum().add(b.pow(2).mul(randn([5], generator: generator)).sum());
        loss.backward();
        optimizer.step();
    }
}
