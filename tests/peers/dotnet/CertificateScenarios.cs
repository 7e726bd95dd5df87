// Azure.Security.KeyVault.Certificates' CertificateClient (api-version 2026-04-01) against the
// emulated certificates data plane.
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Azure;
using Azure.Security.KeyVault.Certificates;

namespace KvmiDotnetPeer;

/// <summary>Certificate scenarios.</summary>
public static class CertificateScenarios
{
    /// <summary>Every certificate scenario, by name.</summary>
    public static readonly (string, Func<Peer, Task<string>>)[] All =
    [
        ("cert-create-self-default-policy", CreateSelf),
        ("cert-get-and-versions", GetAndVersions),
        ("cert-policy-defaults", PolicyDefaults),
        ("cert-download-pfx-private-key", DownloadPfx),
        ("cert-create-ec-pem-download", CreateEcPem),
        ("cert-import-pfx", ImportPfx),
        ("cert-import-pem-and-passwordless-pfx", ImportPemAndPasswordless),
        ("cert-import-ec-pfx", ImportEcPfx),
        ("cert-create-sans-key-usage", CreateWithSans),
        ("cert-unknown-issuer-merge", UnknownIssuerMerge),
        ("cert-update-properties-and-list", UpdateAndList),
        ("cert-backup-restore", BackupRestore),
        ("cert-contacts-issuers", ContactsIssuers),
        ("cert-delete-purge", DeletePurge),
        ("cert-delete-recover", DeleteRecover),
        ("cert-cancel-and-delete-operation", CancelOperation),
        ("cert-create-forbidden-for-vm", CreateForbidden),
        ("every-service-version", EveryServiceVersion),
    ];

    static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    static CertificateClient Client(Peer peer) => new(peer.VaultUri, peer.Admin, peer.CertificateOptions());

    /// <summary>
    /// Creates a certificate and polls its operation with UpdateStatus every 100 ms. (WaitForCompletion
    /// honours the service's Retry-After: 10, as against Azure, so cert-create-self-default-policy alone uses it.)
    /// </summary>
    static async Task<KeyVaultCertificateWithPolicy> Create(CertificateClient client, string name, CertificatePolicy policy)
    {
        var operation = await client.StartCreateCertificateAsync(name, policy);
        while (!operation.HasCompleted)
        {
            await Task.Delay(100);
            await operation.UpdateStatusAsync();
        }
        Expect.Equal("completed", operation.Properties.Status, $"{name}'s operation status");
        return operation.Value;
    }

    static string Sha1Hex(byte[] der) => Convert.ToHexString(SHA1.HashData(der));

    static async Task<string> CreateSelf(Peer peer)
    {
        var client = Client(peer);
        var operation = await client.StartCreateCertificateAsync("dotnet-self", CertificatePolicy.Default, true, new Dictionary<string, string> { ["app"] = "dotnet" }, null, default);
        Expect.Equal(peer.VaultUri, operation.Properties.VaultUri, "operation vault uri");
        Expect.Equal("dotnet-self", operation.Properties.Name, "operation name");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        KeyVaultCertificateWithPolicy created = await operation.WaitForCompletionAsync(Poll, default);
        Expect.That(watch.Elapsed < TimeSpan.FromSeconds(15), $"completed after one Retry-After wait, took {watch.Elapsed}");
        Expect.Equal("completed", operation.Properties.Status, "operation status");
        Expect.That(operation.HasCompleted, "operation completed");
        Expect.Equal("dotnet-self", created.Name, "name");
        Expect.Equal(true, created.Properties.Enabled, "enabled");
        Expect.Equal("dotnet", created.Properties.Tags["app"], "tag");
        Expect.That(created.Properties.Version.Length == 32, $"version '{created.Properties.Version}'");
        Expect.Equal(new Uri($"{peer.VaultUri.ToString().TrimEnd('/')}/keys/dotnet-self/{created.Properties.Version}"), created.KeyId, "key id");
        Expect.Equal(new Uri($"{peer.VaultUri.ToString().TrimEnd('/')}/secrets/dotnet-self/{created.Properties.Version}"), created.SecretId, "secret id");
        Expect.Equal("Self", created.Policy.IssuerName, "issuer");
        Expect.Equal("CN=DefaultPolicy", created.Policy.Subject, "subject");
        var x509 = X509CertificateLoader.LoadCertificate(created.Cer);
        Expect.Equal("CN=DefaultPolicy", x509.Subject, "the certificate's subject");
        Expect.Equal(Sha1Hex(created.Cer), Convert.ToHexString(created.Properties.X509Thumbprint), "x5t is SHA-1 of cer");
        Expect.That(created.Properties.RecoveryLevel?.Contains("Recoverable") == true, $"recovery level '{created.Properties.RecoveryLevel}'");
        Expect.That(created.Properties.NotBefore < DateTimeOffset.UtcNow && created.Properties.ExpiresOn > DateTimeOffset.UtcNow.AddDays(300), "validity dates");
        return $"version {created.Properties.Version}";
    }

    static async Task<KeyVaultCertificateWithPolicy> Ensure(CertificateClient client, string name)
    {
        try
        {
            return await client.GetCertificateAsync(name);
        }
        catch (RequestFailedException error) when (error.Status == 404)
        {
            return await Create(client, name, CertificatePolicy.Default);
        }
    }

    static async Task<string> GetAndVersions(Peer peer)
    {
        var client = Client(peer);
        var first = await Ensure(client, "dotnet-self");
        var second = await Create(client, "dotnet-self", CertificatePolicy.Default);
        Expect.That(first.Properties.Version != second.Properties.Version, "a new version");
        KeyVaultCertificateWithPolicy latest = await client.GetCertificateAsync("dotnet-self");
        Expect.Equal(second.Properties.Version, latest.Properties.Version, "latest version");
        KeyVaultCertificate byVersion = await client.GetCertificateVersionAsync("dotnet-self", first.Properties.Version);
        Expect.Equal(Convert.ToHexString(first.Cer), Convert.ToHexString(byVersion.Cer), "cer by version");
        var versions = new List<string>();
        await foreach (var v in client.GetPropertiesOfCertificateVersionsAsync("dotnet-self")) versions.Add(v.Version);
        Expect.That(versions.Contains(first.Properties.Version) && versions.Contains(second.Properties.Version), $"both versions listed: {string.Join(",", versions)}");
        CertificateOperation pending = await client.GetCertificateOperationAsync("dotnet-self");
        Expect.Equal("completed", pending.Properties.Status, "the finished operation's status");
        return $"{versions.Count} versions";
    }

    static async Task<string> PolicyDefaults(Peer peer)
    {
        var client = Client(peer);
        await Ensure(client, "dotnet-self");
        CertificatePolicy policy = await client.GetCertificatePolicyAsync("dotnet-self");
        Expect.Equal(CertificateKeyType.Rsa, policy.KeyType, "key type");
        Expect.Equal(2048, policy.KeySize, "key size");
        Expect.Equal(true, policy.Exportable, "exportable");
        Expect.Equal(false, policy.ReuseKey, "reuse key");
        Expect.Equal(CertificateContentType.Pkcs12, policy.ContentType, "content type");
        Expect.Equal(12, policy.ValidityInMonths, "validity");
        Expect.Equal("Self", policy.IssuerName, "issuer");
        Expect.Equal(true, policy.Enabled, "policy enabled");
        Expect.That(policy.KeyUsage.Contains(CertificateKeyUsage.DigitalSignature) && policy.KeyUsage.Contains(CertificateKeyUsage.KeyEncipherment),
            $"key usage {string.Join(",", policy.KeyUsage)}");
        Expect.That(policy.EnhancedKeyUsage.Contains("1.3.6.1.5.5.7.3.1") && policy.EnhancedKeyUsage.Contains("1.3.6.1.5.5.7.3.2"),
            $"EKUs {string.Join(",", policy.EnhancedKeyUsage)}");
        Expect.Equal(1, policy.LifetimeActions.Count, "one lifetime action");
        Expect.Equal(80, policy.LifetimeActions[0].LifetimePercentage, "lifetime percentage");
        Expect.Equal(CertificatePolicyAction.AutoRenew, policy.LifetimeActions[0].Action, "lifetime action");
        policy.ValidityInMonths = 24;
        CertificatePolicy updated = await client.UpdateCertificatePolicyAsync("dotnet-self", policy);
        Expect.Equal(24, updated.ValidityInMonths, "updated validity");
        Expect.Equal(2048, updated.KeySize, "key size kept");
        return "RSA 2048, exportable, 12 months, 80% AutoRenew";
    }

    static async Task<string> DownloadPfx(Peer peer)
    {
        var client = Client(peer);
        var certificate = await Ensure(client, "dotnet-self");
        using X509Certificate2 downloaded = await client.DownloadCertificateAsync("dotnet-self");
        Expect.That(downloaded.HasPrivateKey, "the download has the private key");
        Expect.Equal(Convert.ToHexString(certificate.Properties.X509Thumbprint), downloaded.Thumbprint, "thumbprint == x5t");
        using var rsa = downloaded.GetRSAPrivateKey() ?? throw new ExpectationFailed("no RSA private key");
        var data = "signed by the downloaded key"u8.ToArray();
        var signature = rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
        using var publicKey = X509CertificateLoader.LoadCertificate(certificate.Cer).GetRSAPublicKey()!;
        Expect.That(publicKey.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss), "the private key matches the certificate");
        var secrets = new Azure.Security.KeyVault.Secrets.SecretClient(peer.VaultUri, peer.Admin, peer.SecretOptions());
        var pfxSecret = (await secrets.GetSecretAsync("dotnet-self")).Value;
        Expect.Equal("application/x-pkcs12", pfxSecret.Properties.ContentType, "the backing secret's content type");
        Expect.Equal(true, pfxSecret.Properties.Managed, "the backing secret is managed");
        var pemSecret = (await secrets.GetSecretAsync("dotnet-self", null, Azure.Security.KeyVault.Secrets.SecretContentType.Pem)).Value;
        Expect.That(pemSecret.Value.Contains("-----BEGIN PRIVATE KEY-----") && pemSecret.Value.Contains("-----BEGIN CERTIFICATE-----"), "outContentType=PEM converts the PFX");
        using var fromPem = X509Certificate2.CreateFromPem(pemSecret.Value, pemSecret.Value);
        Expect.Equal(downloaded.Thumbprint, fromPem.Thumbprint, "the PEM holds the same certificate");
        return $"thumbprint {downloaded.Thumbprint}";
    }

    static async Task<string> CreateEcPem(Peer peer)
    {
        var client = Client(peer);
        var policy = new CertificatePolicy("Self", "CN=ec.dotnet.contoso.internal")
        {
            KeyType = CertificateKeyType.Ec,
            KeyCurveName = CertificateKeyCurveName.P256,
            ContentType = CertificateContentType.Pem,
            ValidityInMonths = 3,
        };
        var created = await Create(client, "dotnet-ec", policy);
        Expect.Equal(CertificateKeyType.Ec, created.Policy.KeyType, "key type");
        Expect.Equal(CertificateKeyCurveName.P256, created.Policy.KeyCurveName, "curve");
        Expect.Equal(CertificateContentType.Pem, created.Policy.ContentType, "content type");
        using X509Certificate2 downloaded = await client.DownloadCertificateAsync("dotnet-ec");
        Expect.That(downloaded.HasPrivateKey, "the PEM download has the private key");
        Expect.Equal(Sha1Hex(created.Cer), downloaded.Thumbprint, "thumbprint");
        using var ecdsa = downloaded.GetECDsaPrivateKey() ?? throw new ExpectationFailed("no ECDSA private key");
        var data = "ec"u8.ToArray();
        var signature = ecdsa.SignData(data, HashAlgorithmName.SHA256);
        using var publicKey = X509CertificateLoader.LoadCertificate(created.Cer).GetECDsaPublicKey()!;
        Expect.That(publicKey.VerifyData(data, signature, HashAlgorithmName.SHA256), "the EC private key matches the certificate");
        return "EC P-256 PEM";
    }

    static async Task<string> ImportPfx(Peer peer)
    {
        var client = Client(peer);
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=imported.dotnet.contoso.internal", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var local = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30));
        var pfx = local.Export(X509ContentType.Pfx, "import-password");
        var imported = (await client.ImportCertificateAsync(new ImportCertificateOptions("dotnet-imported", pfx) { Password = "import-password" })).Value;
        Expect.Equal(local.Thumbprint, Convert.ToHexString(imported.Properties.X509Thumbprint), "thumbprint of the imported certificate");
        Expect.Equal("CN=imported.dotnet.contoso.internal", imported.Policy.Subject, "policy subject from the certificate");
        Expect.Equal(CertificateKeyType.Rsa, imported.Policy.KeyType, "policy key type");
        using X509Certificate2 downloaded = await client.DownloadCertificateAsync("dotnet-imported");
        Expect.That(downloaded.HasPrivateKey, "the download has the private key");
        using var key = downloaded.GetRSAPrivateKey()!;
        Expect.Equal(Convert.ToHexString(rsa.ExportRSAPublicKey()), Convert.ToHexString(key.ExportRSAPublicKey()), "the same key came back");
        return $"thumbprint {local.Thumbprint}";
    }

    static async Task<string> ImportPemAndPasswordless(Peer peer)
    {
        var client = Client(peer);
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=pem.dotnet.contoso.internal", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var local = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30));
        var pem = rsa.ExportPkcs8PrivateKeyPem() + "\n" + local.ExportCertificatePem() + "\n";
        var options = new ImportCertificateOptions("dotnet-pem", System.Text.Encoding.ASCII.GetBytes(pem))
        {
            Policy = new CertificatePolicy("Unknown", "CN=pem.dotnet.contoso.internal") { ContentType = CertificateContentType.Pem },
        };
        KeyVaultCertificateWithPolicy imported = await client.ImportCertificateAsync(options);
        Expect.Equal(local.Thumbprint, Convert.ToHexString(imported.Properties.X509Thumbprint), "thumbprint of the PEM import");
        Expect.Equal(CertificateContentType.Pem, imported.Policy.ContentType, "content type kept");
        using X509Certificate2 downloaded = await client.DownloadCertificateAsync("dotnet-pem");
        Expect.That(downloaded.HasPrivateKey, "the PEM import downloads with its key");

        var passwordless = local.Export(X509ContentType.Pfx);
        KeyVaultCertificateWithPolicy second = await client.ImportCertificateAsync(new ImportCertificateOptions("dotnet-pfx-nopw", passwordless));
        Expect.Equal(local.Thumbprint, Convert.ToHexString(second.Properties.X509Thumbprint), "thumbprint of the passwordless PFX");
        Expect.Equal("Unknown", second.Policy.IssuerName, "a derived policy's issuer");
        return "PEM and passwordless PFX imported";
    }

    static async Task<string> ImportEcPfx(Peer peer)
    {
        var client = Client(peer);
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=ec-import.dotnet.contoso.internal", ec, HashAlgorithmName.SHA256);
        using var local = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30));
        KeyVaultCertificateWithPolicy imported = await client.ImportCertificateAsync(
            new ImportCertificateOptions("dotnet-ec-imported", local.Export(X509ContentType.Pfx, "ec-password")) { Password = "ec-password" });
        Expect.Equal(local.Thumbprint, Convert.ToHexString(imported.Properties.X509Thumbprint), "thumbprint");
        Expect.Equal(CertificateKeyType.Ec, imported.Policy.KeyType, "derived key type");
        Expect.Equal(CertificateKeyCurveName.P256, imported.Policy.KeyCurveName, "derived curve");
        using X509Certificate2 downloaded = await client.DownloadCertificateAsync("dotnet-ec-imported");
        using var key = downloaded.GetECDsaPrivateKey() ?? throw new ExpectationFailed("no ECDSA private key in the download");
        Expect.Equal(Convert.ToHexString(ec.ExportSubjectPublicKeyInfo()), Convert.ToHexString(key.ExportSubjectPublicKeyInfo()), "the same EC key came back");
        return "EC P-256 PFX imported";
    }

    static async Task<string> CreateWithSans(Peer peer)
    {
        var client = Client(peer);
        var sans = new SubjectAlternativeNames();
        sans.DnsNames.Add("app.dotnet.contoso.internal");
        sans.DnsNames.Add("*.dotnet.contoso.internal");
        sans.Emails.Add("ops@contoso.example");
        sans.UserPrincipalNames.Add("svc@contoso.example");
        var policy = new CertificatePolicy("Self", "CN=app.dotnet.contoso.internal, O=Contoso", sans)
        {
            KeyType = CertificateKeyType.Ec,
            KeyCurveName = CertificateKeyCurveName.P384,
            ReuseKey = true,
            Exportable = true,
            ValidityInMonths = 6,
            ContentType = CertificateContentType.Pkcs12,
        };
        policy.KeyUsage.Add(CertificateKeyUsage.DigitalSignature);
        policy.EnhancedKeyUsage.Add("1.3.6.1.5.5.7.3.1");
        policy.LifetimeActions.Add(new LifetimeAction(CertificatePolicyAction.EmailContacts) { DaysBeforeExpiry = 30 });
        var created = await Create(client, "dotnet-sans", policy);
        var read = created.Policy;
        Expect.Equal(CertificateKeyCurveName.P384, read.KeyCurveName, "curve");
        Expect.Equal(true, read.ReuseKey, "reuse key");
        Expect.Equal(6, read.ValidityInMonths, "validity");
        Expect.That(read.SubjectAlternativeNames.DnsNames.SequenceEqual(["app.dotnet.contoso.internal", "*.dotnet.contoso.internal"]), "DNS names read back");
        Expect.Equal("svc@contoso.example", read.SubjectAlternativeNames.UserPrincipalNames.Single(), "UPN read back");
        Expect.Equal(1, read.LifetimeActions.Count, "one lifetime action");
        Expect.Equal(30, read.LifetimeActions[0].DaysBeforeExpiry, "days before expiry");
        Expect.Equal(CertificatePolicyAction.EmailContacts, read.LifetimeActions[0].Action, "action");
        Expect.That(read.KeyUsage.SequenceEqual([CertificateKeyUsage.DigitalSignature]), $"key usage {string.Join(",", read.KeyUsage)}");
        using var x509 = X509CertificateLoader.LoadCertificate(created.Cer);
        var san = x509.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Expect.That(san.EnumerateDnsNames().SequenceEqual(["app.dotnet.contoso.internal", "*.dotnet.contoso.internal"]), "the certificate's DNS SANs");
        Expect.Equal(384, x509.GetECDsaPublicKey()!.KeySize, "the certificate's curve size");
        var eku = x509.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single();
        Expect.Equal("1.3.6.1.5.5.7.3.1", eku.EnhancedKeyUsages[0].Value, "the certificate's EKU");
        var months = (x509.NotAfter - x509.NotBefore).TotalDays;
        Expect.That(months > 170 && months < 190, $"about six months of validity, got {months:F0} days");
        return "SANs, key usage, EKU, P-384";
    }

    static async Task<string> UnknownIssuerMerge(Peer peer)
    {
        var client = Client(peer);
        var policy = new CertificatePolicy("Unknown", "CN=merged.dotnet.contoso.internal");
        var operation = await client.StartCreateCertificateAsync("dotnet-merged", policy);
        Expect.Equal("inProgress", operation.Properties.Status, "an Unknown issuer waits");
        Expect.That(operation.Properties.Csr is { Length: > 0 }, "the operation carries a CSR");
        KeyVaultCertificateWithPolicy pendingCertificate = await client.GetCertificateAsync("dotnet-merged");
        Expect.Equal(false, pendingCertificate.Properties.Enabled, "a pending certificate is disabled");
        Expect.That(pendingCertificate.Cer is null or { Length: 0 }, "a pending certificate has no cer");
        var withPending = new List<string>();
        await foreach (var item in client.GetPropertiesOfCertificatesAsync(includePending: true)) withPending.Add(item.Name);
        Expect.That(withPending.Contains("dotnet-merged"), "includePending lists it");
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=dotnet test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30));
        var csr = CertificateRequest.LoadSigningRequest(operation.Properties.Csr, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default, RSASignaturePadding.Pkcs1);
        using var issued = csr.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(10), [1, 2, 3, 4]);
        KeyVaultCertificateWithPolicy merged = await client.MergeCertificateAsync(new MergeCertificateOptions("dotnet-merged", [issued.RawData]));
        Expect.Equal(issued.Thumbprint, Convert.ToHexString(merged.Properties.X509Thumbprint), "the merged certificate");
        await operation.UpdateStatusAsync();
        Expect.Equal("completed", operation.Properties.Status, "the operation completed after the merge");
        return "merged";
    }

    static async Task<string> UpdateAndList(Peer peer)
    {
        var client = Client(peer);
        var certificate = await Ensure(client, "dotnet-self");
        certificate.Properties.Tags["stage"] = "test";
        KeyVaultCertificate updatedCertificate = await client.UpdateCertificatePropertiesAsync(certificate.Properties);
        var updated = updatedCertificate.Properties;
        Expect.Equal("test", updated.Tags["stage"], "tag updated");
        await Ensure(client, "dotnet-other");
        var listed = new Dictionary<string, CertificateProperties>();
        await foreach (var item in client.GetPropertiesOfCertificatesAsync()) listed[item.Name] = item;
        Expect.That(listed.ContainsKey("dotnet-self") && listed.ContainsKey("dotnet-other"), $"both listed: {string.Join(",", listed.Keys)}");
        var latest = (await client.GetCertificateAsync("dotnet-self")).Value;
        Expect.Equal(Convert.ToHexString(latest.Properties.X509Thumbprint), Convert.ToHexString(listed["dotnet-self"].X509Thumbprint), "listed x5t is the latest version's");
        Expect.Equal("test", listed["dotnet-self"].Tags["stage"], "listed tags");
        return $"{listed.Count} listed";
    }

    static async Task<string> BackupRestore(Peer peer)
    {
        var client = Client(peer);
        var original = await Create(client, "dotnet-backup", CertificatePolicy.Default);
        byte[] backup = await client.BackupCertificateAsync("dotnet-backup");
        Expect.That(backup.Length > 0, "a backup blob");
        await (await client.StartDeleteCertificateAsync("dotnet-backup")).WaitForCompletionAsync(Poll, default);
        await client.PurgeDeletedCertificateAsync("dotnet-backup");
        KeyVaultCertificateWithPolicy restored = await RestoreWhenPurged(client, backup);
        Expect.Equal(original.Properties.Version, restored.Properties.Version, "restored version");
        Expect.Equal(Convert.ToHexString(original.Cer), Convert.ToHexString(restored.Cer), "restored cer");
        return $"{backup.Length} bytes";
    }

    /// <summary>A purge takes a moment in Key Vault; restore answers 409 until it is done.</summary>
    static async Task<KeyVaultCertificateWithPolicy> RestoreWhenPurged(CertificateClient client, byte[] backup)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await client.RestoreCertificateBackupAsync(backup);
            }
            catch (RequestFailedException error) when (error.Status == 409 && attempt < 20)
            {
                await Task.Delay(200);
            }
        }
    }

    static async Task<string> ContactsIssuers(Peer peer)
    {
        var client = Client(peer);
        var contacts = await client.SetContactsAsync([new CertificateContact { Email = "ops@contoso.example", Name = "Ops", Phone = "0123" }]);
        Expect.Equal("ops@contoso.example", contacts.Value[0].Email, "contact email");
        var read = await client.GetContactsAsync();
        Expect.Equal("Ops", read.Value.Single().Name, "contact read back");
        await client.DeleteContactsAsync();
        var issuer = new CertificateIssuer("dotnet-issuer", "Test") { AccountId = "acct", Password = "issuer-password" };
        issuer.AdministratorContacts.Add(new AdministratorContact { Email = "admin@contoso.example", FirstName = "A", LastName = "B" });
        CertificateIssuer created = await client.CreateIssuerAsync(issuer);
        Expect.Equal("Test", created.Provider, "issuer provider");
        Expect.Equal("acct", created.AccountId, "issuer account");
        CertificateIssuer got = await client.GetIssuerAsync("dotnet-issuer");
        Expect.Equal("admin@contoso.example", got.AdministratorContacts.Single().Email, "issuer admin contact");
        var names = new List<string>();
        await foreach (var p in client.GetPropertiesOfIssuersAsync()) names.Add(p.Name);
        Expect.That(names.Contains("dotnet-issuer"), $"issuer listed: {string.Join(",", names)}");
        await client.DeleteIssuerAsync("dotnet-issuer");
        return "contacts and issuer round-trip";
    }

    static async Task<string> DeletePurge(Peer peer)
    {
        var client = Client(peer);
        await Create(client, "dotnet-doomed", CertificatePolicy.Default);
        var delete = await client.StartDeleteCertificateAsync("dotnet-doomed");
        DeletedCertificate deleted = await delete.WaitForCompletionAsync(Poll, default);
        Expect.Equal("dotnet-doomed", deleted.Name, "deleted name");
        Expect.That(deleted.RecoveryId?.AbsolutePath == "/deletedcertificates/dotnet-doomed", $"recovery id {deleted.RecoveryId}");
        Expect.That(deleted.DeletedOn is not null && deleted.ScheduledPurgeDate is not null, "deletion dates");
        var listed = new List<string>();
        await foreach (var d in client.GetDeletedCertificatesAsync()) listed.Add(d.Name);
        Expect.That(listed.Contains("dotnet-doomed"), "listed as deleted");
        await client.PurgeDeletedCertificateAsync("dotnet-doomed");
        var gone = await Expect.Throws(() => client.GetDeletedCertificateAsync("dotnet-doomed"), "a purged certificate");
        Expect.Equal(404, gone.Status, "purged: deleted certificate 404");
        var missing = await Expect.Throws(() => client.GetCertificateAsync("dotnet-doomed"), "a purged certificate");
        Expect.Equal("CertificateNotFound", missing.ErrorCode, "ErrorCode of a missing certificate");
        return "deleted and purged";
    }

    static async Task<string> DeleteRecover(Peer peer)
    {
        var client = Client(peer);
        var created = await Create(client, "dotnet-recovered", CertificatePolicy.Default);
        await (await client.StartDeleteCertificateAsync("dotnet-recovered")).WaitForCompletionAsync(Poll, default);
        var recover = await client.StartRecoverDeletedCertificateAsync("dotnet-recovered");
        KeyVaultCertificateWithPolicy recovered = await recover.WaitForCompletionAsync(Poll, default);
        Expect.Equal(created.Properties.Version, recovered.Properties.Version, "recovered version");
        using X509Certificate2 downloaded = await client.DownloadCertificateAsync("dotnet-recovered");
        Expect.That(downloaded.HasPrivateKey, "the recovered certificate downloads with its key");
        return "recovered";
    }

    static async Task<string> CancelOperation(Peer peer)
    {
        var client = Client(peer);
        var operation = await client.StartCreateCertificateAsync("dotnet-cancelled", new CertificatePolicy("Unknown", "CN=cancelled.dotnet.contoso.internal"));
        await operation.CancelAsync();
        Expect.Equal(true, operation.Properties.CancellationRequested, "cancellation requested");
        CertificateOperation read = await client.GetCertificateOperationAsync("dotnet-cancelled");
        Expect.Equal(true, read.Properties.CancellationRequested, "cancellation read back");
        await operation.DeleteAsync();
        var gone = await Expect.Throws(() => client.GetCertificateOperationAsync("dotnet-cancelled"), "a deleted operation");
        Expect.Equal(404, gone.Status, "status of a deleted operation");
        return $"status {read.Properties.Status}";
    }

    /// <summary>Every api-version these SDKs can be told to use: a certificate (with policy) and a secret read back.</summary>
    static async Task<string> EveryServiceVersion(Peer peer)
    {
        await Ensure(Client(peer), "dotnet-self");
        var seen = new List<string>();
        foreach (var version in Enum.GetValues<CertificateClientOptions.ServiceVersion>())
        {
            var options = new CertificateClientOptions(version) { DisableChallengeResourceVerification = true, Transport = peer.Transport };
            options.Retry.MaxRetries = 0;
            var client = new CertificateClient(peer.VaultUri, peer.Admin, options);
            try
            {
                KeyVaultCertificateWithPolicy certificate = await client.GetCertificateAsync("dotnet-self");
                Expect.Equal(2048, certificate.Policy.KeySize, $"certificates {version}: key size");
            }
            catch (RequestFailedException error)
            {
                throw new ExpectationFailed($"certificates {version}: {error.Status} {error.ErrorCode}");
            }
            seen.Add($"certificates {version}");
        }
        foreach (var version in Enum.GetValues<Azure.Security.KeyVault.Secrets.SecretClientOptions.ServiceVersion>())
        {
            var options = new Azure.Security.KeyVault.Secrets.SecretClientOptions(version) { DisableChallengeResourceVerification = true, Transport = peer.Transport };
            options.Retry.MaxRetries = 0;
            var client = new Azure.Security.KeyVault.Secrets.SecretClient(peer.VaultUri, peer.Vm, options);
            try
            {
                var secret = (await client.GetSecretAsync("secret-for-vm")).Value;
                Expect.Equal("this-is-test-secret", secret.Value, $"secrets {version}: value");
            }
            catch (RequestFailedException error)
            {
                throw new ExpectationFailed($"secrets {version}: {error.Status} {error.ErrorCode}");
            }
            seen.Add($"secrets {version}");
        }
        return string.Join(", ", seen);
    }

    static async Task<string> CreateForbidden(Peer peer)
    {
        var client = new CertificateClient(peer.VaultUri, peer.Vm, peer.CertificateOptions());
        var error = await Expect.Throws(() => client.StartCreateCertificateAsync("dotnet-not-allowed", CertificatePolicy.Default), "create as Key Vault Secrets User");
        Expect.Equal(403, error.Status, "status");
        Expect.Equal("Forbidden", error.ErrorCode, "ErrorCode");
        Expect.That(error.Message.Contains("ForbiddenByRbac"), $"the message names ForbiddenByRbac: {error.Message}");
        return $"{error.Status} {error.ErrorCode}";
    }
}
