using System.Net;
using System.Net.Sockets;

namespace AlertBroadcaster.TestSupport;

public static class LoopbackPort
{
    /// <summary>
    /// A loopback port nothing listens on at this moment. Free when asked, not reserved: whoever
    /// binds it must cope with losing it to another test first.
    /// </summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
