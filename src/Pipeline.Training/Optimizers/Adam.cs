using Pipeline.Native;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Training.Optimizers;

/// <summary>Adam (Kingma and Ba 2014) as torch computes it, op for op, with every scalar operand held alive for the whole step; saved under the type name TorchSharp's Adam uses, so either resumes the other.</summary>
/// <remarks>
/// TorchSharp's own Adam passes temporary scalars (β₁, 1 − β₁, …) to native calls; such a temporary can be finalised on the
/// GC thread while the call still reads it — with data-pipeline threads allocating beside the step, a run failed now and
/// then inside <c>Adam.step</c> with libtorch's "toFloat" check of a freed scalar. Holding the scalars until the step ends
/// removes that window. The arithmetic, the state and its saved form are torch's, so results and checkpoints are unchanged.
/// </remarks>
public sealed class Adam : OptimizerHelper
{
    /// <summary>Creates the optimizer over one group of parameters.</summary>
    public Adam(IEnumerable<Parameter> parameters, double lr, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weightDecay = 0.0, bool amsgrad = false)
    {
        if (!(lr >= 0)) throw new ArgumentException($"Invalid learning rate: {lr}");
        if (!(eps >= 0)) throw new ArgumentException($"Invalid epsilon: {eps}");
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentException($"Invalid beta1: {beta1}");
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentException($"Invalid beta2: {beta2}");
        if (!(weightDecay >= 0)) throw new ArgumentException($"Invalid weight_decay: {weightDecay}");
        _defaults = new Options
        {
            LearningRate = lr, InitialLearningRate = lr, Beta1 = beta1, Beta2 = beta2, Eps = eps, WeightDecay = weightDecay, Amsgrad = amsgrad, Maximize = false,
        };
        _parameter_groups = new List<ParamGroup>();
        add_param_group(new ParamGroup<Options> { Parameters = parameters });
    }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var o = (Options)group.Options;
        var (beta1, beta2, weightDecay, lr) = (o.Beta1!.Value, o.Beta2!.Value, o.WeightDecay!.Value, o.LearningRate!.Value);
        using var beta1Scalar = beta1.ToScalar();
        using var beta2Scalar = beta2.ToScalar();
        using var newWeight1 = (1 - beta1).ToScalar();
        using var newWeight2 = (1 - beta2).ToScalar();
        using var eps = o.Eps!.Value.ToScalar();
        using var decay = weightDecay.ToScalar();
        foreach (var param in group.Parameters)
        {
            var grad = param.grad;
            if (grad is null) continue;
            if (o.Maximize!.Value) grad = grad.neg();
            var state = (State)_state[param.Handle];
            state.Step += 1;
            var correction1 = 1 - Math.Pow(beta1, state.Step);
            var correction2 = 1 - Math.Pow(beta2, state.Step);
            if (weightDecay != 0) grad = grad.add(param, alpha: decay);
            state.ExpAvg.mul_(beta1Scalar).add_(grad, alpha: newWeight1);
            state.ExpAvgSq.mul_(beta2Scalar).addcmul_(grad, grad, value: newWeight2);
            var second = state.ExpAvgSq;
            if (o.Amsgrad!.Value)
            {
                state.MaxExpAvgSq!.copy_(maximum(state.MaxExpAvgSq, state.ExpAvgSq));
                second = state.MaxExpAvgSq;
            }
            using var root = Math.Sqrt(correction2).ToScalar();
            using var stepSize = (-lr / correction1).ToScalar();
            using var denominator = second.sqrt().div_(root).PlusInPlace(eps);
            param.addcdiv_(state.ExpAvg, denominator, value: stepSize);
        }
    }, closure);

    /// <inheritdoc />
    public override void add_param_group(ParamGroup paramGroup)
    {
        ArgumentNullException.ThrowIfNull(paramGroup);
        paramGroup.Options ??= new Options();
        var o = (Options)paramGroup.Options;
        o.FillFrom((Options)_defaults);
        _parameter_groups.Add(paramGroup);
        foreach (var p in paramGroup.Parameters)
        {
            var state = new State(p);
            state.Initialize(o);
            _state[p.Handle] = state;
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        foreach (var state in _state.Values) ((State)state).Dispose();
    }

    /// <summary>Hyper-parameters of a parameter group, saved in the order torch's Adam saves them.</summary>
    public sealed class Options : MomentOptions
    {
        /// <summary>Whether the running maximum of v is used.</summary>
        public bool? Amsgrad;
        /// <summary>Whether the objective is maximised.</summary>
        public bool? Maximize;

        /// <inheritdoc />
        public override void FillFrom(MomentOptions defaults)
        {
            base.FillFrom(defaults);
            var d = (Options)defaults;
            Amsgrad ??= d.Amsgrad;
            Maximize ??= d.Maximize;
        }

        /// <inheritdoc />
        public override void LoadStateDict(OptimizerOptions source)
        {
            base.LoadStateDict(source);
            (Amsgrad, Maximize) = (((Options)source).Amsgrad, ((Options)source).Maximize);
        }

        /// <inheritdoc />
        public override void LoadStateDict(BinaryReader reader)
        {
            base.LoadStateDict(reader);
            Amsgrad = reader.ReadBoolean();
            Maximize = reader.ReadBoolean();
        }

        /// <inheritdoc />
        public override void SaveStateDict(BinaryWriter writer)
        {
            base.SaveStateDict(writer);
            writer.Write(Amsgrad!.Value);
            writer.Write(Maximize!.Value);
        }
    }

    /// <summary>Per-parameter state: step count and the moments, shaped like the parameter.</summary>
    public sealed class State(Parameter parameter) : MomentState(parameter)
    {
        /// <inheritdoc />
        public override void Initialize(OptimizerOptions options)
        {
            Step = 0;
            ExpAvg = zeros_like(_parameter).DetachFromDisposeScope();
            ExpAvgSq = zeros_like(_parameter).DetachFromDisposeScope();
            MaxExpAvgSq = ((Options)options).Amsgrad == true ? zeros_like(_parameter).DetachFromDisposeScope() : null;
        }
    }
}
