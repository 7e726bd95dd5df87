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
        ("key-encrypt-wrap-rsa", EncryptWrap),
        ("key-versions-update-delete-recover", VersionsUpdateDeleteRecover),
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
        var key = await client.CreateKeyAsync(Vault(peer), "dotnet-ec-key", JsonWebKeyType.EllipticCurve, curve: JsonWebKeyCurveName.P256);
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

    static async Task<string> EncryptWrap(Peer peer)
    {
        var client = Client(peer);
        var key = await client.CreateKeyAsync(Vault(peer), "dotnet-rsa-crypt", JsonWebKeyType.Rsa, keySize: 2048);
        using var rsa = RSA.Create(new RSAParameters { Modulus = key.Key.N, Exponent = key.Key.E });
        var plaintext = "kvmi .NET peer"u8.ToArray();
        foreach (var (alg, padding) in new[] { (JsonWebKeyEncryptionAlgorithm.RSAOAEP, RSAEncryptionPadding.OaepSHA1), (JsonWebKeyEncryptionAlgorithm.RSAOAEP256, RSAEncryptionPadding.OaepSHA256) })
        {
            var encrypted = await client.EncryptAsync(key.KeyIdentifier.Identifier, alg, plaintext);
            var decrypted = await client.DecryptAsync(key.KeyIdentifier.Identifier, alg, encrypted.Result);
            Expect.Equal(Convert.ToHexString(plaintext), Convert.ToHexString(decrypted.Result), $"{alg} round trip");
            var local = rsa.Encrypt(plaintext, padding);
            var remote = await client.DecryptAsync(key.KeyIdentifier.Identifier, alg, local);
            Expect.Equal(Convert.ToHexString(plaintext), Convert.ToHexString(remote.Result), $"{alg}: the vault decrypts what the public key encrypted");
        }
        var aesKey = RandomNumberGenerator.GetBytes(32);
        var wrapped = await client.WrapKeyAsync(key.KeyIdentifier.Identifier, JsonWebKeyEncryptionAlgorithm.RSAOAEP256, aesKey);
        var unwrapped = await client.UnwrapKeyAsync(key.KeyIdentifier.Identifier, JsonWebKeyEncryptionAlgorithm.RSAOAEP256, wrapped.Result);
        Expect.Equal(Convert.ToHexString(aesKey), Convert.ToHexString(unwrapped.Result), "wrap/unwrap round trip");
        return "RSA-OAEP, RSA-OAEP-256, wrap";
    }

    static async Task<string> VersionsUpdateDeleteRecover(Peer peer)
    {
        var client = Client(peer);
        var first = await client.CreateKeyAsync(Vault(peer), "dotnet-versions", JsonWebKeyType.EllipticCurve, curve: JsonWebKeyCurveName.P384);
        var second = await client.CreateKeyAsync(Vault(peer), "dotnet-versions", JsonWebKeyType.EllipticCurve, curve: JsonWebKeyCurveName.P384);
        var versions = new List<string>();
        var page = await client.GetKeyVersionsAsync(Vault(peer), "dotnet-versions");
        versions.AddRange(page.Select(k => k.Kid));
        while (page.NextPageLink is not null)
        {
            page = await client.GetKeyVersionsNextAsync(page.NextPageLink);
            versions.AddRange(page.Select(k => k.Kid));
        }
        Expect.That(versions.Contains(first.KeyIdentifier.Identifier) && versions.Contains(second.KeyIdentifier.Identifier), $"both versions listed: {string.Join(",", versions)}");
        var updated = await client.UpdateKeyAsync(first.KeyIdentifier.Identifier, keyOps: null, attributes: new KeyAttributes { Enabled = false }, tags: new Dictionary<string, string> { ["stage"] = "old" });
        Expect.Equal(false, updated.Attributes.Enabled, "disabled");
        Expect.Equal("old", updated.Tags["stage"], "tag");
        try
        {
            await client.SignAsync(first.KeyIdentifier.Identifier, JsonWebKeySignatureAlgorithm.ES384, SHA384.HashData("x"u8));
            throw new ExpectationFailed("a disabled key version signed");
        }
        catch (KeyVaultErrorException error)
        {
            Expect.Equal(System.Net.HttpStatusCode.Forbidden, error.Response.StatusCode, "a disabled key version is 403");
            Expect.Equal("Forbidden", error.Body?.Error?.Code, "error code");
        }
        var deleted = await client.DeleteKeyAsync(Vault(peer), "dotnet-versions");
        Expect.Equal($"{Vault(peer)}/deletedkeys/dotnet-versions", deleted.RecoveryId, "recovery id");
        await WhenDeleted(client, Vault(peer), "dotnet-versions");
        await client.RecoverDeletedKeyAsync(Vault(peer), "dotnet-versions");
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var back = await client.GetKeyAsync(Vault(peer), "dotnet-versions");
                Expect.Equal(second.KeyIdentifier.Identifier, back.KeyIdentifier.Identifier, "the latest version came back");
                break;
            }
            catch (KeyVaultErrorException error) when (error.Response.StatusCode == System.Net.HttpStatusCode.NotFound && attempt < 50)
            {
                await Task.Delay(100);
            }
        }
        return $"{versions.Count} versions";
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
