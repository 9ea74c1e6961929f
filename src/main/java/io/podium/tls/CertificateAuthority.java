package io.podium.tls;

import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A small certificate authority for users without cert-manager ({@code podium certs}): an ECDSA
 * P-256 CA that issues server certificates (DNS and IP SANs) and agent certificates that carry the
 * agent's node as {@link NodeNames#uriFor a SPIFFE-style URI SAN}. Uses BouncyCastle's builders on
 * the JDK's own providers.
 */
public final class CertificateAuthority {

  private final X509Certificate certificate;
  private final PrivateKey key;
  private final SecureRandom random;

  private CertificateAuthority(X509Certificate certificate, PrivateKey key, SecureRandom random) {
    this.certificate = certificate;
    this.key = key;
    this.random = random;
  }

  /** A new self-signed CA valid from {@code notBefore} to {@code notAfter}. */
  public static CertificateAuthority create(
      String commonName, Instant notBefore, Instant notAfter, SecureRandom random) {
    KeyPair pair = newKeyPair(random);
    X500Name name = name(commonName);
    try {
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              name,
              serial(random),
              Date.from(notBefore),
              Date.from(notAfter),
              name,
              pair.getPublic());
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      builder.addExtension(
          Extension.subjectKeyIdentifier,
          false,
          extensions.createSubjectKeyIdentifier(pair.getPublic()));
      return new CertificateAuthority(sign(builder, pair.getPrivate()), pair.getPrivate(), random);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot create a CA certificate", e);
    }
  }

  /** The CA from its certificate and key, e.g. as {@link Pem} read them. */
  public static CertificateAuthority of(
      X509Certificate certificate, PrivateKey key, SecureRandom random) {
    return new CertificateAuthority(certificate, key, random);
  }

  public X509Certificate certificate() {
    return certificate;
  }

  public PrivateKey key() {
    return key;
  }

  /**
   * A server certificate for the agent API: serverAuth, the given DNS names and IPs as SANs (the
   * names agents connect to), and {@link NodeNames#SERVER_URI}.
   */
  public Issued issueServer(
      String commonName,
      List<String> dnsNames,
      List<InetAddress> ips,
      Instant notBefore,
      Instant notAfter) {
    List<GeneralName> sans = new ArrayList<>();
    for (String dns : dnsNames) {
      sans.add(new GeneralName(GeneralName.dNSName, dns));
    }
    for (InetAddress ip : ips) {
      sans.add(new GeneralName(GeneralName.iPAddress, ip.getHostAddress()));
    }
    sans.add(new GeneralName(GeneralName.uniformResourceIdentifier, NodeNames.SERVER_URI));
    return issue(commonName, sans, KeyPurposeId.id_kp_serverAuth, notBefore, notAfter);
  }

  /**
   * The admission webhook's serving certificate: serverAuth and the given DNS names and IPs (the
   * webhook Service's names the API server dials). Unlike {@link #issueServer}, without {@link
   * NodeNames#SERVER_URI}: agents trusting the same CA must never take it for the agent API's.
   */
  public Issued issueWebhook(
      List<String> dnsNames, List<InetAddress> ips, Instant notBefore, Instant notAfter) {
    List<GeneralName> sans = new ArrayList<>();
    for (String dns : dnsNames) {
      sans.add(new GeneralName(GeneralName.dNSName, dns));
    }
    for (InetAddress ip : ips) {
      sans.add(new GeneralName(GeneralName.iPAddress, ip.getHostAddress()));
    }
    String commonName = dnsNames.isEmpty() ? ips.getFirst().getHostAddress() : dnsNames.getFirst();
    return issue(commonName, sans, KeyPurposeId.id_kp_serverAuth, notBefore, notAfter);
  }

  /**
   * An agent certificate: clientAuth, CN = the node, and the node as a URI SAN, which is what the
   * server reads.
   *
   * @throws IllegalArgumentException when {@code node} is not a valid node name
   */
  public Issued issueAgent(String node, Instant notBefore, Instant notAfter) {
    NodeNames.requireValid(node);
    List<GeneralName> sans =
        List.of(new GeneralName(GeneralName.uniformResourceIdentifier, NodeNames.uriFor(node)));
    return issue(node, sans, KeyPurposeId.id_kp_clientAuth, notBefore, notAfter);
  }

  /** A certificate and its private key. */
  public record Issued(X509Certificate certificate, PrivateKey key) {
    @Override
    public String toString() {
      return "Issued[" + certificate.getSubjectX500Principal() + ", key redacted]";
    }
  }

  private Issued issue(
      String commonName,
      List<GeneralName> sans,
      KeyPurposeId purpose,
      Instant notBefore,
      Instant notAfter) {
    KeyPair pair = newKeyPair(random);
    try {
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              certificate,
              serial(random),
              Date.from(notBefore),
              Date.from(notAfter),
              name(commonName),
              pair.getPublic());
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(sans.toArray(GeneralName[]::new)));
      builder.addExtension(
          Extension.subjectKeyIdentifier,
          false,
          extensions.createSubjectKeyIdentifier(pair.getPublic()));
      builder.addExtension(
          Extension.authorityKeyIdentifier,
          false,
          extensions.createAuthorityKeyIdentifier(certificate));
      return new Issued(sign(builder, key), pair.getPrivate());
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot issue a certificate for " + commonName, e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signingKey)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signingKey)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException("cannot sign with ECDSA", e);
    }
  }

  private static KeyPair newKeyPair(SecureRandom random) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), random);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM cannot make ECDSA P-256 keys", e);
    }
  }

  private static BigInteger serial(SecureRandom random) {
    return new BigInteger(127, random).add(BigInteger.ONE);
  }

  private static X500Name name(String commonName) {
    return new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.O, "podium")
        .addRDN(BCStyle.CN, commonName)
        .build();
  }
}
