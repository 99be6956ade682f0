using Pipeline.Data;
using Pipeline.Imaging;
using Pipeline.Inferers;
using static TorchSharp.torch;

namespace Pipeline.Workflows.Evaluation;

/// <summary>The inference step of an evaluation: the inferer runs the network on the pre-transformed <c>image</c>, and the prediction becomes field <c>model</c> on the image's grid.</summary>
public static class ModelPrediction
{
    /// <summary>The field the inferer reads.</summary>
    public const string ImageField = "image";

    /// <summary>The field the prediction is written to.</summary>
    public const string ModelField = "model";

    /// <summary>Runs <paramref name="inferer"/> with <paramref name="network"/> on <paramref name="context"/>'s image and sets the prediction as <see cref="ModelField"/>.</summary>
    public static void Run(TransformContext context, IInferer inferer, nn.Module<Tensor, Tensor> network)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(inferer);
        var image = context.GetImage(ImageField, "the inferer");
        using var noGrad = no_grad();
        using var input = image.Data.unsqueeze(0);
        using var prediction = inferer.Infer(input, network);
        context.Set(ModelField, new MedicalImage(prediction.squeeze(0), image.Affine, image.Properties));
    }
}
