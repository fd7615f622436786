using AlertBroadcaster.Channels.Subscriptions;
using Microsoft.Extensions.Time.Testing;

namespace AlertBroadcaster.Channels.Tests.Subscriptions;

public sealed class ImportMemoryTests
{
    [Fact]
    public void Memory_is_released_once_the_chunks_have_stopped_for_the_quiet_period_and_only_then()
    {
        var time = new FakeTimeProvider();
        var released = 0;
        using var memory = new ImportMemory(time, () => released++);

        memory.ChunkImported();
        time.Advance(ImportMemory.Quiet / 2);
        memory.ChunkImported();
        time.Advance(ImportMemory.Quiet / 2);
        Assert.Equal(0, released); // the second chunk came within the quiet period: still importing

        time.Advance(ImportMemory.Quiet / 2);
        Assert.Equal(1, released);

        time.Advance(ImportMemory.Quiet * 3);
        Assert.Equal(1, released); // once after an import, not on a schedule

        memory.ChunkImported();
        time.Advance(ImportMemory.Quiet);
        Assert.Equal(2, released); // and again after the next import
    }
}
