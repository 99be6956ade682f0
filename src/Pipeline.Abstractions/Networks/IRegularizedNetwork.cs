using static TorchSharp.torch;

namespace Pipeline.Networks;

/// <summary>A network with Clara's <c>reg_weight</c>: an L2 penalty on its convolution kernels that training adds to the loss.</summary>
public interface IRegularizedNetwork
{
    /// <summary>The penalty's weight; 0 turns it off.</summary>
    double RegularizationWeight { get; }

    /// <summary>reg_weight · Σ ½‖w‖² over every convolution kernel (TensorFlow's <c>l2_regularizer</c>), as a scalar on the weights' device.</summary>
    Tensor RegularizationLoss();
}
