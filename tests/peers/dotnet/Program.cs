// The .NET peer: runs named scenarios of the official Azure SDK for .NET against kvmi's emulator
// and prints one JSON line per scenario: {"scenario":"…","pass":true|false,"details":"…"}.
//
//   dotnet KvmiDotnetPeer.dll --manifest /tmp/kvmi-emu-x/manifest.json --uami-client-id GUID [scenario…]
//   dotnet KvmiDotnetPeer.dll real-addresses     (inside `kvmi emulator exec`: DefaultAzureCredential, no options)
//
// Exit code 0 when every scenario passed, 1 otherwise, 2 on bad arguments.
using System.Diagnostics;
using System.Text.Json;
using KvmiDotnetPeer;

if (args is ["real-addresses"]) return await RealAddresses.Run();

var arguments = new Dictionary<string, string>();
var only = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length) arguments[args[i][2..]] = args[++i];
    else only.Add(args[i]);
}
if (!arguments.TryGetValue("manifest", out var manifestPath) || !arguments.TryGetValue("uami-client-id", out var uamiClientId))
{
    Console.Error.WriteLine("usage: KvmiDotnetPeer --manifest PATH --uami-client-id GUID [scenario…]");
    return 2;
}

var peer = Peer.Load(manifestPath, uamiClientId);
var scenarios = new List<(string Name, Func<Peer, Task<string>> Run)>();
scenarios.AddRange(IdentityScenarios.All);
scenarios.AddRange(SecretScenarios.All);
scenarios.AddRange(CertificateScenarios.All);
scenarios.AddRange(KeyScenarios.All);

var failed = 0;
foreach (var (name, run) in scenarios)
{
    if (only.Count > 0 && !only.Contains(name)) continue;
    var watch = Stopwatch.StartNew();
    bool pass;
    string details;
    try
    {
        details = await run(peer).WaitAsync(TimeSpan.FromSeconds(60));
        pass = true;
    }
    catch (Exception error)
    {
        details = $"{error.GetType().Name}: {error.Message}";
        pass = false;
        failed++;
    }
    Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["scenario"] = name,
        ["pass"] = pass,
        ["details"] = details,
        ["ms"] = watch.ElapsedMilliseconds,
    }));
}
return failed == 0 ? 0 : 1;
