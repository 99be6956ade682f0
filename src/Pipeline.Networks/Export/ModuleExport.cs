using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Networks.Export;

/// <summary>Writes any module of ours, or TorchSharp's containers, norms, pools and activations, into a graph in inference mode.</summary>
public static class ModuleExport
{
    /// <summary>Adds <paramref name="module"/>'s forward pass on <paramref name="input"/>; returns the output's name.</summary>
    /// <exception cref="ExportNotSupportedException">A module has no graph form.</exception>
    public static string Export(nn.Module module, IGraphBuilder graph, string input)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(graph);
        switch (module)
        {
            case IExportable exportable:
                return exportable.Export(graph, input);
            case ISizedExportable:
                throw new ExportNotSupportedException($"{module.GetName()} is written for one input size; export it with a fixed spatial shape");
            case Sequential sequential:
                foreach (var child in sequential.children()) input = Export(child, graph, input);
                return input;
            case ReLU:
                return graph.Relu(input);
            // Inference mode: dropout passes its input through.
            case Identity or Dropout or Dropout2d or Dropout3d:
                return input;
            default:
                return TorchModuleExport.TryExport(module, graph, input)
                    ?? throw new ExportNotSupportedException($"{module.GetName()} ({module.GetType().Name}) has no ONNX form yet");
        }
    }
}
