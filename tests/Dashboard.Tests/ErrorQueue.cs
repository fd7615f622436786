using RabbitMQ.Client;

namespace AlertBroadcaster.Dashboard.Tests;

/// <summary>The messages MassTransit has parked in a queue's <c>_error</c> queue on the real broker.</summary>
public static class ErrorQueue
{
    public static async Task<uint> ParkedAsync(IConnection connection, string queue)
    {
        // A channel of its own: a failed passive declare closes the channel it ran on.
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            return (await channel.QueueDeclarePassiveAsync($"{queue}_error")).MessageCount;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return 0; // not declared yet: nothing parked
        }
    }
}
