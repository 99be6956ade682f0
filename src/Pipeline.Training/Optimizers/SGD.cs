using TorchSharp;
using TorchSharp.Modules;

namespace Pipeline.Training.Optimizers;

/// <summary>torch's SGD (with momentum, dampening, weight decay, Nesterov) whose step holds every scalar operand until the step ends; named as TorchSharp's SGD, so either resumes the other.</summary>
/// <remarks>
/// TorchSharp's <see cref="TorchSharp.Modules.SGD"/> passes each step's momentum, 1 − dampening and learning rate to native calls as temporary
/// scalars, which the finaliser thread may free mid-call (see <see cref="Pipeline.Native.HeldScalars"/>). This is the same
/// type with that step rewritten op for op, so its state, options and saved form are SGD's and results are unchanged.
/// </remarks>
public sealed class SGD : TorchSharp.Modules.SGD
{
    /// <summary>Creates the optimizer over one group of parameters.</summary>
    public SGD(IEnumerable<Parameter> parameters, double lr, double momentum = 0.0, double dampening = 0, double weightDecay = 0, bool nesterov = false)
        : base(parameters, lr, momentum, dampening, weightDecay, nesterov)
    {
    }

    /// <inheritdoc />
    public override torch.Tensor step(Func<torch.Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var o = group.Options;
        var (momentum, weightDecay, nesterov, lr) = (o.momentum!.Value, o.weight_decay!.Value, o.nesterov!.Value, o.LearningRate!.Value);
        using var momentumScalar = momentum.ToScalar();
        using var gradientWeight = (1 - o.dampening!.Value).ToScalar();
        using var decay = weightDecay.ToScalar();
        using var rate = (o.maximize!.Value ? lr : -lr).ToScalar();
        foreach (var param in group.Parameters)
        {
            var state = (State)_state[param.Handle];
            var grad = param.grad;
            if (grad is null) continue;
            if (weightDecay != 0) grad = grad.add(param, alpha: decay);
            if (momentum != 0)
            {
                var buffer = state.momentum_buffer;
                if (buffer is null)
                {
                    buffer = grad.clone().detach().DetachFromDisposeScope();
                    state.momentum_buffer = buffer;
                }
                else buffer.mul_(momentumScalar).add_(grad, alpha: gradientWeight);
                grad = nesterov ? grad.add(buffer, alpha: momentumScalar) : buffer;
            }
            param.add_(grad, alpha: rate);
        }
    }, closure);
}
