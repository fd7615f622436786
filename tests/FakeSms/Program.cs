using System.Globalization;
using AlertBroadcaster.TestSupport;

// dotnet run --project tests/FakeSms -- [port]
// Serves Twilio's and Notify's SMS APIs on 127.0.0.1 (credentials: the constants of FakeSmsProvider).
// GET /stats → accepted count, the most requests in any one second, first and last arrival.
var port = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5299;
await using var fake = await FakeSmsProvider.StartAsync(port);
fake.SendReceipts = Environment.GetEnvironmentVariable("FAKE_SMS_RECEIPTS") == "1";
Console.WriteLine($"Fake SMS provider on {fake.BaseUrl} (Twilio sid {FakeSmsProvider.TwilioSid}); stats at {fake.BaseUrl}/stats");
await fake.WaitForShutdownAsync();
