namespace Pipeline.Tests.Workflows.Handlers;

/// <summary>A clock that starts at a fixed instant and advances by a fixed amount each time it is read.</summary>
internal sealed class SteppingClock(DateTimeOffset start, TimeSpan step) : TimeProvider
{
    private DateTimeOffset _next = start;

    public int Readings { get; private set; }

    public override DateTimeOffset GetUtcNow()
    {
        var now = _next;
        _next += step;
        Readings++;
        return now;
    }
}
