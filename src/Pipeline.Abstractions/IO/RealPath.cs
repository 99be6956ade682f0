namespace Pipeline.IO;

/// <summary>The path a file system operation really reaches: every symbolic link on the way followed (the missing tail of the path kept as written).</summary>
internal static class RealPath
{
    /// <summary>Links followed before a path counts as a loop (Linux's own limit).</summary>
    private const int MaxLinks = 40;

    /// <summary>The real path of <paramref name="path"/> (made absolute).</summary>
    /// <exception cref="IOException">The links form a loop.</exception>
    public static string Of(string path)
    {
        var full = Path.GetFullPath(path);
        var links = 0;
        var root = Path.GetPathRoot(full) ?? "/";
        var pending = new Stack<string>(full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Reverse());
        var current = root;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part == ".") continue;
            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? root;
                continue;
            }
            var next = Path.Combine(current, part);
            var info = new FileInfo(next);
            if (info.LinkTarget is { } target)
            {
                if (++links > MaxLinks) throw new IOException($"{full}: too many levels of symbolic links");
                // A link's target is read relative to the folder holding the link; its own parts may be links again.
                var resolved = Path.GetFullPath(target, current);
                var resolvedRoot = Path.GetPathRoot(resolved) ?? "/";
                foreach (var p in resolved[resolvedRoot.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Reverse())
                    pending.Push(p);
                current = resolvedRoot;
                continue;
            }
            current = next;
        }
        return current;
    }
}
