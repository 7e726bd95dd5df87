// Azure.Security.KeyVault.Secrets' SecretClient against the emulated vault.
using Azure;
using Azure.Security.KeyVault.Secrets;

namespace KvmiDotnetPeer;

/// <summary>Secret scenarios.</summary>
public static class SecretScenarios
{
    /// <summary>Every secret scenario, by name.</summary>
    public static readonly (string, Func<Peer, Task<string>>)[] All =
    [
        ("secret-get-with-vm-identity", GetWithVm),
        ("secret-set-forbidden-by-rbac", SetForbidden),
        ("secret-set-get-versions-update", SetAndGet),
        ("secret-list-pages", ListPages),
        ("secret-delete-recover-purge", DeleteRecoverPurge),
    ];

    static SecretClient Client(Peer peer, Azure.Core.TokenCredential credential) => new(peer.VaultUri, credential, peer.SecretOptions());

    static async Task<string> GetWithVm(Peer peer)
    {
        KeyVaultSecret secret = await Client(peer, peer.Vm).GetSecretAsync("secret-for-vm");
        Expect.Equal("this-is-test-secret", secret.Value, "value");
        Expect.Equal("secret-for-vm", secret.Name, "name");
        Expect.Equal(peer.VaultUri, secret.Properties.VaultUri, "vault uri");
        Expect.Equal("text/plain", secret.Properties.ContentType, "content type");
        Expect.That(secret.Properties.Version.Length == 32, $"a 32-character version, got '{secret.Properties.Version}'");
        Expect.Equal(true, secret.Properties.Enabled, "enabled");
        Expect.That(secret.Properties.CreatedOn is not null, "created on");
        Expect.That(secret.Properties.RecoveryLevel?.Contains("Recoverable") == true, $"recovery level '{secret.Properties.RecoveryLevel}'");
        return $"version {secret.Properties.Version}";
    }

    static async Task<string> SetForbidden(Peer peer)
    {
        var error = await Expect.Throws(() => Client(peer, peer.Vm).SetSecretAsync("not-allowed", "x"), "SetSecret as Key Vault Secrets User");
        Expect.Equal(403, error.Status, "status");
        Expect.Equal("Forbidden", error.ErrorCode, "ErrorCode");
        Expect.That(error.Message.Contains("ForbiddenByRbac"), $"the message names ForbiddenByRbac: {error.Message}");
        Expect.That(error.Message.Contains("Microsoft.KeyVault/vaults/secrets/setSecret/action"), "the message names the action");
        return $"{error.Status} {error.ErrorCode}";
    }

    static async Task<string> SetAndGet(Peer peer)
    {
        var client = Client(peer, peer.Admin);
        var first = new KeyVaultSecret("dotnet-secret", "v1 ✓ \"quoted\"\n");
        first.Properties.ContentType = "text/plain";
        first.Properties.Tags["owner"] = "dotnet";
        KeyVaultSecret v1 = await client.SetSecretAsync(first);
        Expect.Equal("v1 ✓ \"quoted\"\n", v1.Value, "value echoed by set");
        KeyVaultSecret v2 = await client.SetSecretAsync("dotnet-secret", "v2");
        Expect.Equal("v2", (await client.GetSecretAsync("dotnet-secret")).Value.Value, "latest value");
        KeyVaultSecret old = await client.GetSecretAsync("dotnet-secret", v1.Properties.Version);
        Expect.Equal("v1 ✓ \"quoted\"\n", old.Value, "value by version");
        Expect.Equal("dotnet", old.Properties.Tags["owner"], "tag");
        var versions = new List<string>();
        await foreach (var v in client.GetPropertiesOfSecretVersionsAsync("dotnet-secret")) versions.Add(v.Version);
        Expect.Equal(2, versions.Count, "versions listed");
        old.Properties.Enabled = false;
        SecretProperties updated = await client.UpdateSecretPropertiesAsync(old.Properties);
        Expect.Equal(false, updated.Enabled, "disabled");
        var error = await Expect.Throws(() => client.GetSecretAsync("dotnet-secret", v1.Properties.Version), "get a disabled version");
        Expect.Equal(403, error.Status, "status of a disabled version");
        return $"versions {string.Join(",", versions)}";
    }

    static async Task<string> ListPages(Peer peer)
    {
        var client = Client(peer, peer.Admin);
        // This SDK ignores pageSizeHint (it never sends maxresults), so the vault's own page size of 25 decides.
        for (var i = 0; i < 27; i++) await client.SetSecretAsync($"dotnet-page-{i}", i.ToString());
        var pages = new List<List<string>>();
        await foreach (var page in client.GetPropertiesOfSecretsAsync().AsPages(pageSizeHint: 2))
            pages.Add(page.Values.Select(p => p.Name).ToList());
        var names = pages.SelectMany(p => p).ToList();
        Expect.That(pages.Count >= 2, $"the nextLink was followed, got {pages.Count} page(s)");
        Expect.That(pages.All(p => p.Count <= 25), "at most 25 per page");
        for (var i = 0; i < 27; i++) Expect.That(names.Contains($"dotnet-page-{i}"), $"dotnet-page-{i} listed");
        Expect.Equal(names.Count, names.Distinct().Count(), "no name twice");
        return $"{pages.Count} pages: {string.Join(" | ", pages.Select(p => string.Join(",", p)))}";
    }

    static async Task<string> DeleteRecoverPurge(Peer peer)
    {
        var client = Client(peer, peer.Admin);
        await client.SetSecretAsync("dotnet-doomed", "1");
        var delete = await client.StartDeleteSecretAsync("dotnet-doomed");
        DeletedSecret deleted = await delete.WaitForCompletionAsync(TimeSpan.FromMilliseconds(200), default);
        Expect.Equal("dotnet-doomed", deleted.Name, "deleted name");
        Expect.That(deleted.RecoveryId?.AbsolutePath == "/deletedsecrets/dotnet-doomed", $"recovery id {deleted.RecoveryId}");
        Expect.That(deleted.DeletedOn is not null && deleted.ScheduledPurgeDate is not null, "deletion dates");
        var recover = await client.StartRecoverDeletedSecretAsync("dotnet-doomed");
        await recover.WaitForCompletionAsync(TimeSpan.FromMilliseconds(200), default);
        Expect.Equal("1", (await client.GetSecretAsync("dotnet-doomed")).Value.Value, "recovered value");
        await (await client.StartDeleteSecretAsync("dotnet-doomed")).WaitForCompletionAsync(TimeSpan.FromMilliseconds(200), default);
        await client.PurgeDeletedSecretAsync("dotnet-doomed");
        var gone = await Expect.Throws(() => client.GetDeletedSecretAsync("dotnet-doomed"), "purged secret");
        Expect.Equal(404, gone.Status, "status of a purged secret");
        var missing = await Expect.Throws(() => client.GetSecretAsync("dotnet-doomed"), "purged secret");
        Expect.Equal("SecretNotFound", missing.ErrorCode, "ErrorCode of a missing secret");
        return "deleted, recovered, purged";
    }
}
