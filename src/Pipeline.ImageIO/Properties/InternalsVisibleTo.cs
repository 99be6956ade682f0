using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Pipeline.Tests")]
