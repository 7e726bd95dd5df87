// The real-address mode (`kvmi emulator start --real-addresses`): DefaultAzureCredential and
// SecretClient exactly as a VM's script writes them, with no option for the emulator. .NET's
// DefaultAzureCredential accepts its IMDS probe's 400 only from 169.254.169.254, so this is the one
// way it runs against the emulator; the machine's CA bundle (the namespace's) carries the emulator's CA.
using System.Text.Json;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;

namespace KvmiDotnetPeer;

/// <summary>The scenario run inside the emulator's network namespace.</summary>
public static class RealAddresses
{
    /// <summary>Gets secret-for-vm from https://kv-demo.vault.azure.net with DefaultAzureCredential; prints one JSON line.</summary>
    public static async Task<int> Run()
    {
        string details;
        bool pass;
        try
        {
            var client = new SecretClient(new Uri("https://kv-demo.vault.azure.net"), new DefaultAzureCredential());
            KeyVaultSecret secret = await client.GetSecretAsync("secret-for-vm");
            pass = secret.Value == "this-is-test-secret";
            details = pass ? "secret-for-vm read with DefaultAzureCredential" : $"unexpected value of {secret.Value.Length} characters";
        }
        catch (Exception error)
        {
            pass = false;
            details = $"{error.GetType().Name}: {error.Message}";
        }
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["scenario"] = "real-addresses-default-azure-credential",
            ["pass"] = pass,
            ["details"] = details,
        }));
        return pass ? 0 : 1;
    }
}
