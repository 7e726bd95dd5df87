// Azure.Identity's ManagedIdentityCredential against the emulated IMDS (AZURE_POD_IDENTITY_AUTHORITY_HOST)
// and ClientSecretCredential against the emulated Entra ID.
using Azure.Core;
using Azure.Identity;

namespace KvmiDotnetPeer;

/// <summary>Token scenarios.</summary>
public static class IdentityScenarios
{
    /// <summary>Every identity scenario, by name.</summary>
    public static readonly (string, Func<Peer, Task<string>>)[] All =
    [
        ("mi-system-token", SystemAssigned),
        ("mi-user-assigned-client-id-token", UserAssigned),
        ("mi-user-assigned-resource-id-token", UserAssignedByResourceId),
        ("mi-unassigned-identity-unavailable", Unassigned),
        ("client-secret-token", ClientSecret),
    ];

    static readonly TokenRequestContext Vault = new(["https://vault.azure.net/.default"]);

    static async Task<string> SystemAssigned(Peer peer)
    {
        var token = await peer.Vm.GetTokenAsync(Vault, default);
        var claims = Jwt.Claims(token.Token);
        Expect.Equal(peer.VmPrincipalId, claims.GetProperty("oid").GetString(), "oid of the VM's token");
        Expect.That(token.ExpiresOn > DateTimeOffset.UtcNow.AddHours(1), $"expires_on understood (ExpiresOn {token.ExpiresOn:O})");
        return $"oid {claims.GetProperty("oid").GetString()}, expires {token.ExpiresOn:O}";
    }

    static async Task<string> UserAssigned(Peer peer)
    {
        var credential = Peer.ManagedIdentity(ManagedIdentityId.FromUserAssignedClientId(peer.UamiClientId), peer.Transport);
        var token = await credential.GetTokenAsync(new TokenRequestContext(["https://management.azure.com/.default"]), default);
        var claims = Jwt.Claims(token.Token);
        Expect.Equal(peer.UamiClientId, claims.GetProperty("appid").GetString(), "appid of the user-assigned token");
        Expect.Equal(peer.UamiResourceId, claims.GetProperty("xms_mirid").GetString(), "xms_mirid of the user-assigned token");
        return $"xms_mirid {claims.GetProperty("xms_mirid").GetString()}";
    }

    static async Task<string> UserAssignedByResourceId(Peer peer)
    {
        var credential = Peer.ManagedIdentity(ManagedIdentityId.FromUserAssignedResourceId(new ResourceIdentifier(peer.UamiResourceId)), peer.Transport);
        var token = await credential.GetTokenAsync(Vault, default);
        Expect.Equal(peer.UamiClientId, Jwt.Claims(token.Token).GetProperty("appid").GetString(), "appid of the token by resource id");
        return "by resource id";
    }

    /// <summary>
    /// A client id the VM does not have: IMDS's 400 "Identity not found" reads as "not assigned"
    /// (a standalone ManagedIdentityCredential reports it as AuthenticationFailedException).
    /// </summary>
    static async Task<string> Unassigned(Peer peer)
    {
        var credential = Peer.ManagedIdentity(ManagedIdentityId.FromUserAssignedClientId(Guid.NewGuid().ToString()), peer.Transport);
        try
        {
            await credential.GetTokenAsync(Vault, default);
        }
        catch (AuthenticationFailedException error)
        {
            Expect.That(error.Message.Contains("has not been assigned", StringComparison.Ordinal), $"the message says so: {error.Message}");
            Expect.That(error.Message.Contains("Identity not found", StringComparison.Ordinal), $"IMDS's description is shown: {error.Message}");
            return error.GetType().Name;
        }
        throw new ExpectationFailed("a token for an identity the VM does not have");
    }

    static async Task<string> ClientSecret(Peer peer)
    {
        var token = await peer.Admin.GetTokenAsync(Vault, default);
        Expect.Equal(peer.AdminPrincipalId, Jwt.Claims(token.Token).GetProperty("oid").GetString(), "oid of the admin's token");
        return "admin token";
    }
}
