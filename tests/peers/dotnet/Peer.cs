// What every scenario shares: the emulator's manifest, a transport that trusts the emulator's CA
// (and nothing else), the admin's and the VM's credentials, and the Key Vault client options.
using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.Security.KeyVault.Certificates;
using Azure.Security.KeyVault.Secrets;

namespace KvmiDotnetPeer;

/// <summary>The emulator as the scenarios see it.</summary>
public sealed class Peer
{
    /// <summary>The vault kv-demo's URL.</summary>
    public required Uri VaultUri { get; init; }
    /// <summary>The VM's system-assigned identity (object id).</summary>
    public required string VmPrincipalId { get; init; }
    /// <summary>The user-assigned identity id-demo-scripts: client id and ARM id.</summary>
    public required string UamiClientId { get; init; }
    /// <summary>The ARM id of id-demo-scripts (the token's xms_mirid).</summary>
    public required string UamiResourceId { get; init; }
    /// <summary>The admin service principal's object id.</summary>
    public required string AdminPrincipalId { get; init; }
    /// <summary>The admin (Key Vault Administrator on kv-demo).</summary>
    public required TokenCredential Admin { get; init; }
    /// <summary>The VM's system-assigned managed identity (Key Vault Secrets User on kv-demo).</summary>
    public required TokenCredential Vm { get; init; }
    /// <summary>The HTTP handler behind <see cref="Transport"/> (for clients that take an HttpClient).</summary>
    public required HttpClientHandler Handler { get; init; }
    /// <summary>A transport that trusts only the emulator's CA.</summary>
    public required HttpPipelineTransport Transport { get; init; }

    /// <summary>Reads the manifest `kvmi emulator start` wrote.</summary>
    public static Peer Load(string manifestPath, string uamiClientId)
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(manifestPath));
        var root = manifest.RootElement;
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(root.GetProperty("caCertFile").GetString()!));
        var handler = TrustingOnly(ca);
        var transport = new HttpClientTransport(new HttpClient(handler, disposeHandler: false));
        var admin = root.GetProperty("admin");
        return new Peer
        {
            VaultUri = new Uri(root.GetProperty("vaults").GetProperty("kv-demo").GetString()!),
            VmPrincipalId = root.GetProperty("vm").GetProperty("principalId").GetString()!,
            UamiClientId = uamiClientId,
            UamiResourceId = $"/subscriptions/{root.GetProperty("subscriptionId").GetString()}/resourceGroups/{root.GetProperty("resourceGroup").GetString()}"
                + "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-demo-scripts",
            AdminPrincipalId = admin.GetProperty("principalId").GetString()!,
            Transport = transport,
            Handler = handler,
            Admin = new ClientSecretCredential(
                root.GetProperty("tenantId").GetString(),
                admin.GetProperty("clientId").GetString(),
                admin.GetProperty("clientSecret").GetString(),
                new ClientSecretCredentialOptions
                {
                    AuthorityHost = new Uri(root.GetProperty("authorityHost").GetString()!),
                    DisableInstanceDiscovery = true,
                    Transport = transport,
                }),
            Vm = ManagedIdentity(ManagedIdentityId.SystemAssigned, transport),
        };
    }

    /// <summary>A ManagedIdentityCredential; IMDS is wherever AZURE_POD_IDENTITY_AUTHORITY_HOST says.</summary>
    public static ManagedIdentityCredential ManagedIdentity(ManagedIdentityId id, HttpPipelineTransport transport) =>
        new(new ManagedIdentityCredentialOptions(id) { Transport = transport });

    /// <summary>Options for SecretClient: the emulator's vault is on 127.0.0.1, no retries hide a failure.</summary>
    public SecretClientOptions SecretOptions()
    {
        var options = new SecretClientOptions { DisableChallengeResourceVerification = true, Transport = Transport };
        options.Retry.MaxRetries = 0;
        return options;
    }

    /// <summary>Options for CertificateClient (its default api-version, 2026-04-01 in 4.10.0).</summary>
    public CertificateClientOptions CertificateOptions()
    {
        var options = new CertificateClientOptions { DisableChallengeResourceVerification = true, Transport = Transport };
        options.Retry.MaxRetries = 0;
        return options;
    }

    /// <summary>
    /// Accepts a server certificate only if it chains to the emulator's CA (a custom root trust,
    /// the system store ignored) and names the host; never "accept anything".
    /// </summary>
    static HttpClientHandler TrustingOnly(X509Certificate2 ca) => new()
    {
        ServerCertificateCustomValidationCallback = (_, certificate, _, errors) =>
        {
            if (certificate is null) return false;
            if ((errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None) return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(certificate);
        },
    };
}

/// <summary>Assertions that fail a scenario with a message a user would recognise.</summary>
public static class Expect
{
    /// <summary>Fails unless <paramref name="condition"/> holds.</summary>
    public static void That(bool condition, string what)
    {
        if (!condition) throw new ExpectationFailed(what);
    }

    /// <summary>Fails unless the two values are equal.</summary>
    public static void Equal<T>(T expected, T actual, string what)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual)) throw new ExpectationFailed($"{what}: expected '{expected}', got '{actual}'");
    }

    /// <summary>Runs <paramref name="action"/> and returns the RequestFailedException it must throw.</summary>
    public static async Task<Azure.RequestFailedException> Throws(Func<Task> action, string what)
    {
        try
        {
            await action();
        }
        catch (Azure.RequestFailedException error)
        {
            return error;
        }
        throw new ExpectationFailed($"{what}: no RequestFailedException");
    }
}

/// <summary>A failed expectation.</summary>
public sealed class ExpectationFailed(string message) : Exception(message);

/// <summary>Reads a JWT's payload claims (no verification: the emulator signed it).</summary>
public static class Jwt
{
    /// <summary>The payload's claims.</summary>
    public static JsonElement Claims(string token)
    {
        var payload = token.Split('.')[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '=');
        return JsonDocument.Parse(Convert.FromBase64String(payload)).RootElement.Clone();
    }
}
