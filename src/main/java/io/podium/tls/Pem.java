package io.podium.tls;

import io.grpc.util.CertificateUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * PEM files as gRPC's TLS reads them: certificates, and private keys in unencrypted PKCS#8. Files
 * are written to a temporary name and moved into place, so that a reloading reader never sees half
 * a file; keys are readable by their owner only.
 */
public final class Pem {

  private Pem() {}

  public static String encode(X509Certificate... certificates) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      for (X509Certificate certificate : certificates) {
        writer.writeObject(certificate);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode a certificate", e);
    }
    return text.toString();
  }

  public static String encode(PrivateKey key) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(new JcaPKCS8Generator(key, null));
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode a private key", e);
    }
    return text.toString();
  }

  /** Writes {@code certificates} to {@code file} (world-readable: certificates are public). */
  public static void write(Path file, X509Certificate... certificates) throws IOException {
    writeAtomically(file, encode(certificates), false);
  }

  /** Writes {@code key} to {@code file}, readable by its owner only. */
  public static void write(Path file, PrivateKey key) throws IOException {
    writeAtomically(file, encode(key), true);
  }

  public static X509Certificate[] readCertificates(Path file)
      throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(file)) {
      X509Certificate[] certificates = CertificateUtils.getX509Certificates(in);
      if (certificates.length == 0) {
        throw new GeneralSecurityException(file + " holds no PEM certificate");
      }
      return certificates;
    }
  }

  public static PrivateKey readKey(Path file) throws IOException, GeneralSecurityException {
    byte[] bytes = Files.readAllBytes(file);
    try (InputStream in = new ByteArrayInputStream(bytes)) {
      return CertificateUtils.getPrivateKey(in);
    }
  }

  private static void writeAtomically(Path file, String content, boolean secret)
      throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try {
      try {
        Files.setPosixFilePermissions(
            temp, PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--"));
      } catch (UnsupportedOperationException e) {
        // Not a POSIX file system (Windows): the directory's permissions decide.
      }
      Files.writeString(temp, content, StandardCharsets.US_ASCII);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
