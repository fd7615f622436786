namespace AlertBroadcaster.TestSupport;

/// <summary>A fresh Storage:DataDirectory for one host (or one host and its restart), removed afterwards.</summary>
public sealed class TempDataDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "alert-broadcaster-tests", Guid.NewGuid().ToString("N"));

    public TempDataDirectory() => Directory.CreateDirectory(Path);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A SQLite file still held by a pooled connection; the temp folder is cleaned by the OS.
        }
    }
}
