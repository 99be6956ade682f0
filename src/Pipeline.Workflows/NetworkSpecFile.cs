using Pipeline.Configuration;
using Pipeline.Networks;

namespace Pipeline.Workflows;

/// <summary>A JSON file holding one network spec (<c>{"name": "SegResnet", "args": {…}}</c>, as a config's model section), for the commands that work without an MMAR.</summary>
public static class NetworkSpecFile
{
    /// <summary>Reads the spec at <paramref name="path"/>.</summary>
    /// <exception cref="ConfigException">The file is missing or holds no spec.</exception>
    public static NetworkSpec Read(string path)
    {
        if (!File.Exists(path)) throw new ConfigException(path, "", "the network spec file does not exist");
        try
        {
            return NetworkSpec.FromJson(File.ReadAllText(path), path);
        }
        catch (FormatException e)
        {
            throw new ConfigException(path, "", e.Message);
        }
    }
}
