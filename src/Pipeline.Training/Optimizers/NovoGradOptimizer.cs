using Pipeline.Native;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Training.Optimizers;

/// <summary>NovoGrad (Ginsburg et al. 2019, "Stochastic Gradient Methods with Layer-wise Adaptive Moments"), as NVIDIA NeMo implements it.</summary>
/// <remarks>
/// Per parameter tensor ("layer") with gradient g:
/// <c>v ← ‖g‖²</c> on the first step, else <c>v ← β₂·v + (1 − β₂)·‖g‖²</c> (a scalar per tensor);
/// <c>d ← g / (√v + ε) + weight_decay·w</c>, times <c>1 − β₁</c> when <c>grad_averaging</c>;
/// <c>m ← β₁·m + d</c>; <c>w ← w − lr·m</c>. With <c>amsgrad</c> the running maximum of v replaces v in the denominator.
/// Unlike NeMo the gradient tensor itself is left unchanged.
/// </remarks>
public sealed class NovoGradOptimizer : OptimizerHelper
{
    /// <summary>Creates the optimizer over one group of parameters.</summary>
    public NovoGradOptimizer(IEnumerable<Parameter> parameters, double lr, double beta1 = 0.95, double beta2 = 0.98, double eps = 1e-8,
        double weightDecay = 0.0, bool gradAveraging = false, bool amsgrad = false)
    {
        if (!(lr >= 0)) throw new ArgumentException($"Invalid learning rate: {lr}");
        if (!(eps >= 0)) throw new ArgumentException($"Invalid epsilon: {eps}");
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentException($"Invalid beta1: {beta1}");
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentException($"Invalid beta2: {beta2}");
        if (!(weightDecay >= 0)) throw new ArgumentException($"Invalid weight_decay: {weightDecay}");
        _defaults = new Options
        {
            LearningRate = lr,
            InitialLearningRate = lr,
            Beta1 = beta1,
            Beta2 = beta2,
            Eps = eps,
            WeightDecay = weightDecay,
            GradAveraging = gradAveraging,
            Amsgrad = amsgrad,
        };
        _parameter_groups = new List<ParamGroup>();
        add_param_group(new ParamGroup<Options> { Parameters = parameters });
    }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var o = (Options)group.Options;
        var (beta1, beta2, eps, weightDecay) = (o.Beta1!.Value, o.Beta2!.Value, o.Eps!.Value, o.WeightDecay!.Value);
        var lr = o.LearningRate!.Value;
        // Scalars are held for the whole step: a temporary one could be finalised while the native call still reads it.
        using var beta1Scalar = beta1.ToScalar();
        using var beta2Scalar = beta2.ToScalar();
        using var newWeight2 = (1 - beta2).ToScalar();
        using var two = 2.ToScalar();
        using var epsScalar = eps.ToScalar();
        using var decay = weightDecay.ToScalar();
        using var averaging = (1 - beta1).ToScalar();
        using var step = (-lr).ToScalar();
        foreach (var param in group.Parameters)
        {
            var grad = param.grad;
            if (grad is null) continue;
            var state = (State)_state[param.Handle];
            var norm = grad.to(ScalarType.Float32).pow(two).sum();
            if (state.Step == 0) state.ExpAvgSq.copy_(norm);
            else state.ExpAvgSq.mul_(beta2Scalar).add_(norm, alpha: newWeight2);
            state.Step += 1;
            Tensor second = state.ExpAvgSq;
            if (o.Amsgrad!.Value)
            {
                state.MaxExpAvgSq!.copy_(maximum(state.MaxExpAvgSq, state.ExpAvgSq));
                second = state.MaxExpAvgSq;
            }
            var direction = grad / second.sqrt().PlusInPlace(epsScalar).to(grad.dtype);
            if (weightDecay != 0) direction = direction.add(param, alpha: decay);
            if (o.GradAveraging!.Value) direction = direction.mul(averaging);
            state.ExpAvg.mul_(beta1Scalar).PlusInPlace(direction);
            param.add_(state.ExpAvg, alpha: step);
        }
    }, closure);

    /// <inheritdoc />
    public override void add_param_group(ParamGroup paramGroup)
    {
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

    /// <summary>The first moment <c>m</c> of a parameter (for inspection and tests).</summary>
    public Tensor FirstMoment(Parameter parameter) => ((State)_state[parameter.Handle]).ExpAvg;

    /// <summary>The layer-wise second moment <c>v</c> of a parameter, a scalar (for inspection and tests).</summary>
    public double SecondMoment(Parameter parameter) => ((State)_state[parameter.Handle]).ExpAvgSq.item<float>();

    /// <summary>Hyper-parameters of a parameter group.</summary>
    public sealed class Options : MomentOptions
    {
        /// <summary>Whether the normalised gradient is scaled by 1 − β₁.</summary>
        public bool? GradAveraging;
        /// <summary>Whether the running maximum of v is used.</summary>
        public bool? Amsgrad;

        /// <inheritdoc />
        public override void FillFrom(MomentOptions defaults)
        {
            base.FillFrom(defaults);
            var d = (Options)defaults;
            GradAveraging ??= d.GradAveraging;
            Amsgrad ??= d.Amsgrad;
        }

        /// <inheritdoc />
        public override void LoadStateDict(OptimizerOptions source)
        {
            base.LoadStateDict(source);
            (GradAveraging, Amsgrad) = (((Options)source).GradAveraging, ((Options)source).Amsgrad);
        }

        /// <inheritdoc />
        public override void LoadStateDict(BinaryReader reader)
        {
            base.LoadStateDict(reader);
            GradAveraging = reader.ReadBoolean();
            Amsgrad = reader.ReadBoolean();
        }

        /// <inheritdoc />
        public override void SaveStateDict(BinaryWriter writer)
        {
            base.SaveStateDict(writer);
            writer.Write(GradAveraging!.Value);
            writer.Write(Amsgrad!.Value);
        }
    }

    /// <summary>Per-parameter state: step count, first moment, layer-wise second moment (a scalar; and its maximum for amsgrad).</summary>
    public sealed class State(Parameter parameter) : MomentState(parameter)
    {
        /// <inheritdoc />
        public override void Initialize(OptimizerOptions options)
        {
            Step = 0;
            ExpAvg = zeros_like(_parameter).DetachFromDisposeScope();
            ExpAvgSq = zeros(Array.Empty<long>(), ScalarType.Float32, _parameter.device).DetachFromDisposeScope();
            MaxExpAvgSq = ((Options)options).Amsgrad == true
                ? zeros(Array.Empty<long>(), ScalarType.Float32, _parameter.device).DetachFromDisposeScope()
                : null;
        }
    }
}
