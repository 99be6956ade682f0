using Pipeline.Configuration.Binding;
using Pipeline.Networks.Checkpoints;
using static TorchSharp.torch;

namespace Pipeline.Workflows.ModelLoaders;

/// <summary>Rebuilds the network a checkpoint describes (through the registry) and loads its weights.</summary>
public static class CheckpointNetwork
{
    /// <summary>The network of <paramref name="path"/>, in eval mode.</summary>
    /// <exception cref="FileNotFoundException">The checkpoint does not exist.</exception>
    /// <exception cref="CheckpointFormatException">The file is not one of our checkpoints.</exception>
    public static nn.Module<Tensor, Tensor> Load(string path, NetworkFactory networks)
    {
        ArgumentNullException.ThrowIfNull(networks);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: the checkpoint does not exist; train first (mmar train) or import weights (mmar import-weights)", path);
        using var checkpoint = CheckpointFile.Read(path);
        var model = networks.Create(checkpoint.Network, path, "network");
        try
        {
            checkpoint.LoadInto(model);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        model.eval();
        return model;
    }
}
