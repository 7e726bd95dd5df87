// Key Vault keys through the previous official .NET client, Microsoft.Azure.KeyVault 3.0.5
// (KeyVaultClient, api-version 7.0, its own 401-challenge authentication), because
// Azure.Security.KeyVault.Keys cannot be restored here. Signatures are checked by the service
// (verify) and locally against the returned public JWK, as CryptographyClient would.
using System.Security.Cryptography;
using Azure.Core;
using Microsoft.Azure.KeyVault;
using Microsoft.Azure.KeyVault.Models;
using Microsoft.Azure.KeyVault.WebKey;

namespace KvmiDotnetPeer;

/// <summary>Key scenarios.</summary>
public static class KeyScenarios
{
    /// <summary>Every key scenario, by name.</summary>
    public static readonly (string, Func<Peer, Task<string>>)[] All =
    [
        ("key-create-ec-sign-es256", EcSign),
        ("key-create-rsa-sign-ps256", RsaSign),
        ("key-backup-restore", BackupRestore),
    ];

    static KeyVaultClient Client(Peer peer) => new(async (authority, resource, scope) =>
    {
        var token = await peer.Admin.GetTokenAsync(new TokenRequestContext([$"{resource.TrimEnd('/')}/.default"]), default);
        return token.Token;
    }, new HttpClient(peer.Handler, disposeHandler: false));

    static string Vault(Peer peer) => peer.VaultUri.ToString().TrimEnd('/');

    static async Task<string> EcSign(Peer peer)
    {
        var client = Client(peer);
        var key = await client.CreateKeyAsync(Vault(peer), "dotnet-ec", JsonWebKeyType.EllipticCurve, curve: JsonWebKeyCurveName.P256);
        Expect.Equal("EC", key.Key.Kty, "kty");
        Expect.Equal("P-256", key.Key.CurveName, "crv");
        var digest = SHA256.HashData("signed in Key Vault"u8);
        var signed = await client.SignAsync(key.KeyIdentifier.Identifier, JsonWebKeySignatureAlgorithm.ES256, digest);
        Expect.Equal(64, signed.Result.Length, "ES256 signature is raw r||s");
        Expect.That(await client.VerifyAsync(key.KeyIdentifier.Identifier, JsonWebKeySignatureAlgorithm.ES256, digest, signed.Result), "the service verifies it");
        using var ecdsa = ECDsa.Create(new System.Security.Cryptography.ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = key.Key.X, Y = key.Key.Y } });
        Expect.That(ecdsa.VerifyHash(digest, signed.Result), "the public JWK verifies it locally");
        digest[0] ^= 1;
        Expect.That(!await client.VerifyAsync(key.KeyIdentifier.Identifier, JsonWebKeySignatureAlgorithm.ES256, digest, signed.Result), "another digest does not verify");
        return key.KeyIdentifier.Identifier;
    }

    static async Task<string> RsaSign(Peer peer)
    {
        var client = Client(peer);
        var key = await client.CreateKeyAsync(Vault(peer), "dotnet-rsa", JsonWebKeyType.Rsa, keySize: 2048);
        Expect.Equal("RSA", key.Key.Kty, "kty");
        Expect.Equal(256, key.Key.N.Length, "2048-bit modulus");
        var digest = SHA256.HashData("signed in Key Vault"u8);
        var signed = await client.SignAsync(key.KeyIdentifier.Identifier, "PS256", digest);
        Expect.That(await client.VerifyAsync(key.KeyIdentifier.Identifier, "PS256", digest, signed.Result), "the service verifies it");
        using var rsa = RSA.Create(new RSAParameters { Modulus = key.Key.N, Exponent = key.Key.E });
        Expect.That(rsa.VerifyHash(digest, signed.Result, HashAlgorithmName.SHA256, RSASignaturePadding.Pss), "the public JWK verifies it locally (PSS)");
        var pkcs1 = await client.SignAsync(key.KeyIdentifier.Identifier, JsonWebKeySignatureAlgorithm.RS256, digest);
        Expect.That(rsa.VerifyHash(digest, pkcs1.Result, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), "RS256 verifies locally");
        return key.KeyIdentifier.Identifier;
    }

    static async Task<string> BackupRestore(Peer peer)
    {
        var client = Client(peer);
        var key = await client.CreateKeyAsync(Vault(peer), "dotnet-backup-key", JsonWebKeyType.EllipticCurve, curve: JsonWebKeyCurveName.P256);
        var backup = await client.BackupKeyAsync(Vault(peer), "dotnet-backup-key");
        Expect.That(backup.Value.Length > 0, "a backup blob");
        await client.DeleteKeyAsync(Vault(peer), "dotnet-backup-key");
        await WhenDeleted(client, Vault(peer), "dotnet-backup-key");
        await client.PurgeDeletedKeyAsync(Vault(peer), "dotnet-backup-key");
        KeyBundle restored = await RestoreWhenPurged(client, Vault(peer), backup.Value);
        Expect.Equal(key.KeyIdentifier.Identifier, restored.KeyIdentifier.Identifier, "restored key id");
        Expect.Equal(Convert.ToHexString(key.Key.X), Convert.ToHexString(restored.Key.X), "restored public key");
        var digest = SHA256.HashData("after restore"u8);
        var signed = await client.SignAsync(restored.KeyIdentifier.Identifier, JsonWebKeySignatureAlgorithm.ES256, digest);
        using var ecdsa = ECDsa.Create(new System.Security.Cryptography.ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = key.Key.X, Y = key.Key.Y } });
        Expect.That(ecdsa.VerifyHash(digest, signed.Result), "the restored key signs as before");
        return $"{backup.Value.Length} bytes";
    }

    static async Task WhenDeleted(KeyVaultClient client, string vault, string name)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            try
            {
                await client.GetDeletedKeyAsync(vault, name);
                return;
            }
            catch (KeyVaultErrorException error) when (error.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                await Task.Delay(100);
            }
        }
        throw new ExpectationFailed($"{name} never showed up as deleted");
    }

    static async Task<KeyBundle> RestoreWhenPurged(KeyVaultClient client, string vault, byte[] backup)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await client.RestoreKeyAsync(vault, backup);
            }
            catch (KeyVaultErrorException error) when (error.Response.StatusCode == System.Net.HttpStatusCode.Conflict && attempt < 20)
            {
                await Task.Delay(200);
            }
        }
    }
}
