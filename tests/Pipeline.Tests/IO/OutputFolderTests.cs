using NUnit.Framework;
using Pipeline.IO;

namespace Pipeline.Tests.IO;

/// <summary>The output rule: paths resolve inside the declared folder, links cannot lead out, names from data are made safe, writes are atomic.</summary>
public sealed class OutputFolderTests
{
    private string _root = "";
    private string _folder = "";
    private string _outside = "";

    [SetUp]
    public void Create()
    {
        _root = Directory.CreateTempSubdirectory("output-folder-").FullName;
        _folder = Directory.CreateDirectory(Path.Combine(_root, "eval")).FullName;
        _outside = Directory.CreateDirectory(Path.Combine(_root, "outside")).FullName;
    }

    [TearDown]
    public void Remove() => Directory.Delete(_root, recursive: true);

    [TestCase("a.txt")]
    [TestCase("case/a.nii.gz")]
    [TestCase("case/../b.txt")]
    [TestCase("./c.txt")]
    public void PathsInsideTheFolderAreAccepted(string path)
    {
        var folder = new OutputFolder(_folder, "TEST");

        Assert.That(folder.Problem(path), Is.Null);
        Assert.That(folder.Resolve(path), Is.EqualTo(Path.GetFullPath(path, _folder)));
    }

    [TestCase("../x.txt")]
    [TestCase("../../x.txt")]
    [TestCase("case/../../x.txt")]
    [TestCase("../eval2/x.txt")]
    [TestCase("/tmp/x.txt")]
    public void PathsOutsideTheFolderAreRefusedNamingTheFolderAndItsDeclaration(string path)
    {
        var folder = new OutputFolder(_folder, "MMAR_EVAL_OUTPUT_PATH");

        Assert.That(folder.Problem(path), Does.Contain("lies outside the output folder").And.Contain(_folder).And.Contain("MMAR_EVAL_OUTPUT_PATH"));
        Assert.That(() => folder.Write(path, s => s.WriteByte(1)), Throws.TypeOf<OutputPathException>());
        Assert.That(Directory.EnumerateFileSystemEntries(_outside), Is.Empty);
    }

    [Test]
    public void ALinkedFolderInsideThatLeadsOutIsRefused()
    {
        Directory.CreateSymbolicLink(Path.Combine(_folder, "case"), _outside);
        var folder = new OutputFolder(_folder, "TEST");

        Assert.That(folder.Problem("case/a.nii.gz"), Does.Contain("symbolic link").And.Contain(_outside));
        Assert.That(() => folder.WriteAllText("case/a.nii.gz", "x"), Throws.TypeOf<OutputPathException>());
        Assert.That(() => folder.CreateFolder("case/deeper"), Throws.TypeOf<OutputPathException>());
        Assert.That(Directory.EnumerateFileSystemEntries(_outside), Is.Empty);
    }

    [Test]
    public void ALinkedFileThatLeadsOutIsRefusedForAppendsAndReplacements()
    {
        var target = Path.Combine(_outside, "log.txt");
        File.WriteAllText(target, "theirs");
        File.CreateSymbolicLink(Path.Combine(_folder, "training.log"), target);
        var folder = new OutputFolder(_folder, "TEST");

        Assert.That(() => folder.OpenAppend("training.log"), Throws.TypeOf<OutputPathException>());
        Assert.That(() => folder.WriteAllText("training.log", "ours"), Throws.TypeOf<OutputPathException>());
        Assert.That(File.ReadAllText(target), Is.EqualTo("theirs"));
    }

    [Test]
    public void LinksThatStayInsideAndADeclaredFolderThatIsItselfALinkAreAccepted()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "real"));
        Directory.CreateSymbolicLink(Path.Combine(_folder, "alias"), "real"); // relative target, read from the link's folder
        var linkedRoot = Path.Combine(_root, "eval-link");
        Directory.CreateSymbolicLink(linkedRoot, _folder);

        Assert.That(new OutputFolder(_folder, "TEST").Problem("alias/a.txt"), Is.Null);
        var throughLink = new OutputFolder(linkedRoot, "TEST");
        throughLink.WriteAllText("alias/b.txt", "b");
        Assert.That(File.ReadAllText(Path.Combine(_folder, "real", "b.txt")), Is.EqualTo("b"));
    }

    [Test]
    public void ALinkLoopIsAnErrorNotAHang()
    {
        Directory.CreateSymbolicLink(Path.Combine(_folder, "a"), Path.Combine(_folder, "b"));
        Directory.CreateSymbolicLink(Path.Combine(_folder, "b"), Path.Combine(_folder, "a"));

        Assert.That(() => new OutputFolder(_folder, "TEST").Problem("a/x.txt"), Throws.InstanceOf<IOException>().With.Message.Contain("symbolic links"));
    }

    [Test]
    public void TheFolderItselfOrASubfolderIsNotAFile()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "case"));
        var folder = new OutputFolder(_folder, "TEST");

        Assert.That(folder.Problem(_folder), Does.Contain("output folder itself"));
        Assert.That(folder.Problem("case"), Does.Contain("is a folder"));
        Assert.That(folder.FolderProblem(_folder), Is.Null);
        Assert.That(folder.FolderProblem("case"), Is.Null);
        Assert.That(folder.FolderProblem(".."), Does.Contain("outside"));
    }

    [Test]
    public void WritesAreAtomicAndLeaveNoTempFiles()
    {
        var folder = new OutputFolder(_folder, "TEST");
        folder.WriteAllText("deep/er/a.txt", "first");
        Assert.That(() => folder.Write("deep/er/a.txt", s =>
        {
            s.WriteByte(1);
            throw new InvalidOperationException("the writer failed half-way");
        }), Throws.InvalidOperationException);

        Assert.That(File.ReadAllText(Path.Combine(_folder, "deep", "er", "a.txt")), Is.EqualTo("first"));
        Assert.That(Directory.EnumerateFiles(_folder, "*", SearchOption.AllDirectories).Select(Path.GetFileName), Is.EqualTo(new[] { "a.txt" }));
    }

    [Test]
    public void OfFileRefusesAFolderThatDoesNotExistWithoutCreatingIt()
    {
        var missing = Path.Combine(_root, "missing", "out.nii.gz");

        Assert.That(() => OutputFolder.OfFile(missing, "output"), Throws.TypeOf<OutputPathException>().With.Message.Contain("does not exist"));
        Assert.That(Directory.Exists(Path.Combine(_root, "missing")), Is.False);
        Assert.That(OutputFolder.OfFile(Path.Combine(_folder, "x.nii"), "output").Root, Is.EqualTo(_folder));
    }

    [TestCase("case_001", "case_001")]
    [TestCase("../../X", ".._.._X")]
    [TestCase("a/b\\c", "a_b_c")]
    [TestCase("..", "_..")]
    [TestCase(".", "_.")]
    [TestCase("", "_")]
    [TestCase("tab\there", "tab_here")]
    [TestCase("mean dice é", "mean dice é")]
    public void NamesFromDataAreMadeSafeAsOneComponent(string name, string safe)
    {
        Assert.That(OutputFolder.SafeName(name), Is.EqualTo(safe));
        Assert.That(OutputFolder.IsSafeName(name), Is.EqualTo(name == safe));
        Assert.That(new OutputFolder(_folder, "TEST").Problem(OutputFolder.SafeName(name)), Is.Null);
    }
}
