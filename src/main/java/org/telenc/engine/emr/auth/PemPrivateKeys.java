package org.telenc.engine.emr.auth;

import com.nimbusds.jose.jwk.Curve;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * Reads the unencrypted PKCS#8 PEM private key of a SMART Backend Services connection and checks
 * it fits the signing algorithm: RSA of at least 2048 bits for RS384, EC P-384 for ES384. Error
 * messages name the field and the problem, never any part of the key.
 */
final class PemPrivateKeys {

    static final int MIN_RSA_BITS = 2048;

    private static final String BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String END = "-----END PRIVATE KEY-----";

    private PemPrivateKeys() {
    }

    /** The key; IllegalArgumentException when the PEM is not an unencrypted PKCS#8 RSA or EC key. */
    static PrivateKey parse(String pem) {
        return parse(pem, "EMR auth settings: private_key_pem");
    }

    /** As {@link #parse(String)}, errors starting with {@code field} (e.g. "EMR TLS settings: client_key_pem"). */
    static PrivateKey parse(String pem, String field) {
        // a PEM pasted with its line breaks escaped ("\n" as two characters): a backslash is never part of a PEM
        String text = pem.replace("\\r", "").replace("\\n", "\n").strip();
        if (text.contains("-----BEGIN RSA PRIVATE KEY-----") || text.contains("-----BEGIN EC PRIVATE KEY-----")) {
            throw new IllegalArgumentException(field + " must be PKCS#8 (BEGIN PRIVATE KEY), "
                    + "not PKCS#1/SEC1; convert it with: openssl pkcs8 -topk8 -nocrypt");
        }
        if (text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
            throw new IllegalArgumentException(field + " must be an unencrypted PKCS#8 key");
        }
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException(field + " is not a PEM private key "
                    + "(expected -----BEGIN PRIVATE KEY----- ... -----END PRIVATE KEY-----)");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text.substring(begin + BEGIN.length(), end));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + " is not valid base64");
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException | RuntimeException e) {
                // try the next key type
            }
        }
        throw new IllegalArgumentException(field + " is not an RSA or EC PKCS#8 private key");
    }

    /** The JWS algorithm this key signs with. */
    static String algorithmFor(PrivateKey key) {
        return key instanceof ECPrivateKey ? "ES384" : "RS384";
    }

    /** Checks the key suits {@code alg} (RS384 or ES384). */
    static void checkFits(PrivateKey key, String alg) {
        if ("RS384".equals(alg)) {
            if (!(key instanceof RSAPrivateKey rsa)) {
                throw new IllegalArgumentException("EMR auth settings: alg RS384 needs an RSA private_key_pem");
            }
            if (rsa.getModulus().bitLength() < MIN_RSA_BITS) {
                throw new IllegalArgumentException("EMR auth settings: the RSA private_key_pem must have at least "
                        + MIN_RSA_BITS + " bits");
            }
        } else if ("ES384".equals(alg)) {
            if (!(key instanceof ECPrivateKey ec) || !Curve.P_384.equals(Curve.forECParameterSpec(ec.getParams()))) {
                throw new IllegalArgumentException("EMR auth settings: alg ES384 needs an EC P-384 private_key_pem");
            }
        } else {
            throw new IllegalArgumentException("EMR auth settings: alg must be RS384 or ES384");
        }
    }
}
