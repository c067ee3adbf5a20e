package io.matchday.nifi.login;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.spec.InvalidKeySpecException;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

import org.apache.nifi.authentication.AuthenticationResponse;
import org.apache.nifi.authentication.LoginCredentials;
import org.apache.nifi.authentication.LoginIdentityProvider;
import org.apache.nifi.authentication.LoginIdentityProviderConfigurationContext;
import org.apache.nifi.authentication.LoginIdentityProviderInitializationContext;
import org.apache.nifi.authentication.exception.InvalidLoginCredentialsException;
import org.apache.nifi.authentication.exception.ProviderCreationException;

/**
 * One user, named in login-identity-providers.xml, whose password is kept there only as a
 * salted PBKDF2-HMAC-SHA256 hash ("pbkdf2-sha256$iterations$salt$hash", Base64), written by the
 * stack from its settings.
 */
public class SettingsLoginIdentityProvider implements LoginIdentityProvider {

    private static final long SESSION = TimeUnit.HOURS.toMillis(12);

    private String issuer;
    private String username;
    private int iterations;
    private byte[] salt;
    private byte[] hash;

    @Override
    public void initialize(LoginIdentityProviderInitializationContext context) {
        issuer = getClass().getSimpleName();
    }

    @Override
    public void onConfigured(LoginIdentityProviderConfigurationContext context) throws ProviderCreationException {
        username = context.getProperty("Username");
        String stored = context.getProperty("Password Hash");
        if (username == null || username.isBlank() || stored == null) {
            throw new ProviderCreationException("Username and Password Hash are required");
        }
        String[] parts = stored.split("\\$");
        if (parts.length != 4 || !"pbkdf2-sha256".equals(parts[0])) {
            throw new ProviderCreationException("Password Hash is not pbkdf2-sha256$iterations$salt$hash");
        }
        iterations = Integer.parseInt(parts[1]);
        salt = Base64.getDecoder().decode(parts[2]);
        hash = Base64.getDecoder().decode(parts[3]);
    }

    @Override
    public AuthenticationResponse authenticate(LoginCredentials credentials) throws InvalidLoginCredentialsException {
        byte[] given = derive(credentials.getPassword());
        boolean userMatches = MessageDigest.isEqual(
                username.getBytes(StandardCharsets.UTF_8), String.valueOf(credentials.getUsername()).getBytes(StandardCharsets.UTF_8));
        // Both compared in constant time, and both always computed: no timing hint at which one failed.
        if (!(MessageDigest.isEqual(hash, given) & userMatches)) {
            throw new InvalidLoginCredentialsException("Username or password not valid");
        }
        return new AuthenticationResponse(username, username, SESSION, issuer);
    }

    private byte[] derive(String password) {
        try {
            PBEKeySpec spec = new PBEKeySpec(String.valueOf(password).toCharArray(), salt, iterations, hash.length * 8);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void preDestruction() {
    }
}
