package org.telenc.engine.admin;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.telenc.engine.api.ApiException;
import org.telenc.engine.tenancy.Secrets;

/** The admin API's own credential: a weak or malformed one stops the start-up. */
class AdminAuthenticatorTest {

    @Test
    void aShortAdminTokenOrAMalformedHashStopsTheStartUpNamingTheSettingNeverTheValue() {
        for (String weak : new String[] {"#", "#admin#", "#".repeat(31)}) {
            assertThatThrownBy(() -> new AdminAuthenticator("", weak, false, false))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("engine.admin.token must be at least 32 characters").hasMessageNotContaining(weak);
        }
        for (String hash : new String[] {"CHANGE-ME-hex-sha256-of-the-admin-token", "abc", Secrets.sha256Hex("x") + "0",
                Secrets.sha256Hex("x").substring(1) + "g"}) {
            assertThatThrownBy(() -> new AdminAuthenticator(hash, "", false, false))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("engine.admin.token-sha256 must be");
        }
    }

    @Test
    void aLongTokenOrItsHashIsTakenAndChecked() {
        String token = "0123456789abcdef0123456789abcdef";
        AdminAuthenticator byToken = new AdminAuthenticator("", token, false, false);
        AdminAuthenticator byHash = new AdminAuthenticator(Secrets.sha256Hex(token).toUpperCase(), "", false, false);
        for (AdminAuthenticator admin : new AdminAuthenticator[] {byToken, byHash}) {
            assertThatCode(() -> admin.check("Bearer " + token)).doesNotThrowAnyException();
            assertThatThrownBy(() -> admin.check("Bearer " + token.substring(1))).isInstanceOf(ApiException.class);
        }
        assertThatCode(() -> new AdminAuthenticator("", "", true, true).check("Bearer " + AdminAuthenticator.DEMO_TOKEN))
                .as("the sandbox demo token").doesNotThrowAnyException();
    }
}
