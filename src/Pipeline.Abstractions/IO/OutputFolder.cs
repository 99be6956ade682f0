namespace Pipeline.IO;

/// <summary>A folder the product may write into (a run's <c>MMAR_CKPT_DIR</c> or <c>MMAR_EVAL_OUTPUT_PATH</c>, a command's <c>-o</c>): the one place every output file goes through.</summary>
/// <remarks>
/// A path is accepted only when it lies inside the folder after every symbolic link on the way has been followed, so
/// neither <c>..</c>, an absolute path nor a link planted inside the folder can lead a write elsewhere. Files are written
/// atomically (a temp file beside the target, then a rename), so a reader or a crash never sees half a file. The folder
/// itself may be a link: it is what the config or command declared.
/// </remarks>
public sealed class OutputFolder
{
    /// <summary>Declares <paramref name="root"/> (made absolute) as an output folder.</summary>
    /// <param name="root">The folder; it need not exist yet.</param>
    /// <param name="declaredBy">What declared it, for messages, e.g. <c>MMAR_EVAL_OUTPUT_PATH</c> or <c>-o</c>.</param>
    public OutputFolder(string root, string declaredBy)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
        DeclaredBy = declaredBy;
    }

    /// <summary>The folder, absolute.</summary>
    public string Root { get; }

    /// <summary>What declared the folder (a variable or an option).</summary>
    public string DeclaredBy { get; }

    /// <summary>The folder that holds <paramref name="file"/>, for a command whose output option names a file; the folder must exist.</summary>
    /// <exception cref="OutputPathException">The file's folder does not exist.</exception>
    public static OutputFolder OfFile(string file, string declaredBy)
    {
        var full = Path.GetFullPath(file);
        var folder = Path.GetDirectoryName(full) ?? full;
        if (!Directory.Exists(folder))
            throw new OutputPathException(full, $"its folder {folder} does not exist; create it first or name another {declaredBy}");
        return new OutputFolder(folder, declaredBy);
    }

    /// <summary>Why <paramref name="path"/> (absolute, or relative to the folder) may not be written as a file, or null when it may.</summary>
    public string? Problem(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = Path.GetFullPath(path, Root);
        if (full == Path.TrimEndingDirectorySeparator(Root)) return $"{full} is the output folder itself, not a file in it";
        if (Escape(full) is { } escape) return escape;
        return Directory.Exists(RealPath.Of(full)) ? $"{full} is a folder; a file cannot be written there" : null;
    }

    /// <summary>Why the folder <paramref name="path"/> (the output folder itself, or one inside it) may not be written into, or null when it may.</summary>
    public string? FolderProblem(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = Path.GetFullPath(path, Root);
        return full == Path.TrimEndingDirectorySeparator(Root) ? null : Escape(full);
    }

    private string? Escape(string full)
    {
        var root = Path.TrimEndingDirectorySeparator(Root);
        if (!IsUnder(full, root))
            return $"{full} lies outside the output folder {Root} ({DeclaredBy}); name a path inside it";
        var real = RealPath.Of(full);
        return IsUnder(real, RealPath.Of(root)) ? null
            : $"{full} leads through a symbolic link to {real}, outside the output folder {Root} ({DeclaredBy}); remove the link or choose another folder";
    }

    /// <summary><paramref name="path"/> made absolute against the folder, after checking that it may be written.</summary>
    /// <exception cref="OutputPathException">The path lies outside the folder, or leads out of it through a link.</exception>
    public string Resolve(string path)
    {
        if (Problem(path) is { } problem) throw new OutputPathException(Path.GetFullPath(path, Root), problem);
        return Path.GetFullPath(path, Root);
    }

    /// <summary>A folder inside this one (e.g. a shard's, or a writer's <c>write_path</c>) as an output folder of its own, declared by the same name.</summary>
    /// <exception cref="OutputPathException">The folder lies outside, or leads out through a link.</exception>
    public OutputFolder Subfolder(string path)
    {
        var full = Path.GetFullPath(path, Root);
        if (FolderProblem(full) is { } problem) throw new OutputPathException(full, problem);
        return new OutputFolder(full, DeclaredBy);
    }

    /// <summary>Writes a file atomically through <paramref name="write"/>, creating the folders on the way.</summary>
    /// <exception cref="OutputPathException">The path may not be written.</exception>
    public string Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var full = Resolve(path);
        AtomicFile.Write(full, write);
        return full;
    }

    /// <summary>Writes text atomically (UTF-8, no BOM).</summary>
    public string WriteAllText(string path, string text) => Write(path, stream =>
    {
        using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), leaveOpen: true);
        writer.Write(text);
    });

    /// <summary>Opens a file for appending (logs), creating it and its folders when missing.</summary>
    public FileStream OpenAppend(string path)
    {
        var full = Resolve(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        return new FileStream(full, FileMode.Append, FileAccess.Write, FileShare.Read);
    }

    /// <summary>Creates a file that must not exist yet (event files named uniquely), with its folders.</summary>
    public FileStream CreateNew(string path)
    {
        var full = Resolve(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        return new FileStream(full, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
    }

    /// <summary>Creates a folder inside this one (or this one), checked like a file; returns its absolute path.</summary>
    /// <exception cref="OutputPathException">The folder lies outside, or leads out through a link.</exception>
    public string CreateFolder(string path)
    {
        var full = Path.GetFullPath(path, Root);
        if (FolderProblem(full) is { } problem) throw new OutputPathException(full, problem);
        Directory.CreateDirectory(full);
        return full;
    }

    /// <summary>
    /// <paramref name="name"/> made safe as one file-name component: path separators, control characters and characters
    /// other systems refuse become <c>_</c>, and a name of only dots gets a leading <c>_</c>.
    /// </summary>
    public static string SafeName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var chars = name.Select(c => c < ' ' || c is '/' or '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|' or '\u007f' ? '_' : c).ToArray();
        var safe = new string(chars);
        if (safe.Length == 0) return "_";
        return safe.All(c => c == '.') ? "_" + safe : safe;
    }

    /// <summary>True when <paramref name="name"/> is already a safe file-name component (see <see cref="SafeName"/>).</summary>
    public static bool IsSafeName(string name) => !string.IsNullOrEmpty(name) && SafeName(name) == name;

    private static bool IsUnder(string path, string root) =>
        path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || (root.EndsWith(Path.DirectorySeparatorChar) && path.StartsWith(root, StringComparison.Ordinal) && path != root);

    /// <inheritdoc />
    public override string ToString() => $"{Root} ({DeclaredBy})";
}
