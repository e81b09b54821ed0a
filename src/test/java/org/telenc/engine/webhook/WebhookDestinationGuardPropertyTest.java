package org.telenc.engine.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The allowlist, over the class: the allowlist parser takes every prefix length in range and
 * refuses everything else, naming the entry; no valid entry for a private network opens loopback
 * or the metadata address; and a private or reserved IPv4 address is refused in every IPv6 spelling
 * that reaches it, while a public one is judged as the IPv4 address is (or the spelling is refused
 * altogether, for the prefixes the guard blocks whole).
 */
class WebhookDestinationGuardPropertyTest {

    /** Private and reserved IPv4 ranges, written out here from RFC 6890 (not read from the guard). */
    static final String[] RESERVED_V4 = {"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
            "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15",
            "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4"};

    final WebhookDestinationGuard guard = new WebhookDestinationGuard(true, List.of());
    final Random random = new Random(11_08);

    @Test
    void everyPrefixLengthInRangeIsTakenAndEveryOtherIsRefusedNamingTheEntry() {
        for (int n = 0; n <= 32; n++) {
            assertThat(WebhookDestinationGuard.parseAllowlist(List.of("10.0.0.0/" + n)).get(0).prefix()).isEqualTo(n);
            assertThat(WebhookDestinationGuard.parseAllowlist(List.of("::ffff:10.0.0.0/" + (96 + n))).get(0).prefix())
                    .isEqualTo(96 + n);
        }
        for (int n = 0; n <= 128; n++) {
            assertThat(WebhookDestinationGuard.parseAllowlist(List.of("fd12::/" + n)).get(0).prefix()).isEqualTo(n);
        }
        List<String> refused = new ArrayList<>();
        for (int n = 33; n <= 300; n++) {
            refused.add("10.0.0.0/" + n);
        }
        for (int n = 129; n <= 300; n++) {
            refused.add("fd12::/" + n);
        }
        refused.addAll(List.of("10.0.0.0/-1", "fd12::/-1", "10.0.0.0/+8", "10.0.0.0/ 8", "10.0.0.0/08", "10.0.0.0/8.0",
                "10.0.0.0/", "10.0.0.0/8/8", "10.0.0.0/99999999999", "10.0.0.0/0x8"));
        for (String entry : refused) {
            assertThatThrownBy(() -> WebhookDestinationGuard.parseAllowlist(List.of("192.168.0.0/16", entry)))
                    .as(entry).isInstanceOf(WebhookDestinationGuard.InvalidCidrException.class)
                    .hasMessageContaining("engine.webhook.address-allowlist").hasMessageContaining("'" + entry.strip() + "'")
                    .hasMessageNotContaining("192.168.0.0/16");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "10.0.0/8", "10.0.0", "10", "300.1.1.1/8", "256.0.0.0", "10.0.0.256/32", "1.2.3.4.5/8",
            "010.0.0.0/8", "10.0.0.0.", "/8", "localhost", "localhost/8", "example.com/24", "metadata.google.internal",
            "10.0.0.0 /8", "10.0.0.0\\8", "::g/64", "fd12:::1/64", "fd12::1::2/64", "[fd12::]/16", "fd12::%eth0/16",
            "1:2:3:4:5:6:7:8:9/128", ".:1/128", "0x0a000000/8", "2130706433/32", "::ffff:300.1.1.1/128", "*", "any",
            "10.0.0.0-10.255.255.255"})
    void garbageIsRefusedNamingTheEntry(String entry) {
        assertThatThrownBy(() -> new WebhookDestinationGuard(true, List.of(entry)))
                .isInstanceOf(WebhookDestinationGuard.InvalidCidrException.class)
                .hasMessageContaining("engine.webhook.address-allowlist: entry '" + entry.strip() + "'");
    }

    @Test
    void noValidEntryForAPrivateNetworkOpensLoopbackOrTheMetadataAddress() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        InetAddress metadata = InetAddress.getByName("169.254.169.254");
        InetAddress metadataV6 = InetAddress.getByName("fd00:ec2::254");
        for (int n = 8; n <= 32; n++) {
            WebhookDestinationGuard allowing = new WebhookDestinationGuard(true, List.of("10.0.0.0/" + n, "fd12::/" + (n + 8)));
            assertThat(allowing.allowed(loopback)).as("/" + n).isFalse();
            assertThat(allowing.allowed(metadata)).as("/" + n).isFalse();
            assertThat(allowing.allowed(metadataV6)).as("/" + n).isFalse();
            assertThat(allowing.allowed(InetAddress.getByName("10.0.0.1"))).as("/" + n).isEqualTo(n < 32);
            assertThat(allowing.allowed(InetAddress.getByName("10.255.255.255"))).as("/" + n).isEqualTo(n == 8);
        }
        // ::/0 covers IPv6 only: it does not reach IPv4 through the mapped spelling
        assertThat(new WebhookDestinationGuard(true, List.of("::/0")).allowed(loopback)).isFalse();
        assertThat(new WebhookDestinationGuard(true, List.of("::ffff:10.0.0.0/104")).allowed(InetAddress.getByName("10.1.2.3")))
                .isTrue();
    }

    /** The IPv6 spellings that reach an IPv4 address, and whether the guard decides on that address. */
    enum Spelling {
        MAPPED(true), COMPATIBLE(false), SIX_TO_FOUR(true), NAT64(true), NAT64_LOCAL(false), TEREDO_SERVER(false),
        TEREDO_CLIENT(false);

        final boolean decidedOnEmbedded;

        Spelling(boolean decidedOnEmbedded) {
            this.decidedOnEmbedded = decidedOnEmbedded;
        }

        String spell(byte[] v4, Random random) {
            byte[] b = new byte[16];
            switch (this) {
                case MAPPED -> {
                    b[10] = (byte) 0xff;
                    b[11] = (byte) 0xff;
                    System.arraycopy(v4, 0, b, 12, 4);
                }
                case COMPATIBLE -> System.arraycopy(v4, 0, b, 12, 4);
                case SIX_TO_FOUR -> {
                    random.nextBytes(b);
                    b[0] = 0x20;
                    b[1] = 0x02;
                    System.arraycopy(v4, 0, b, 2, 4);
                }
                case NAT64 -> {
                    b[1] = 0x64;
                    b[2] = (byte) 0xff;
                    b[3] = (byte) 0x9b;
                    System.arraycopy(v4, 0, b, 12, 4);
                }
                case NAT64_LOCAL -> {
                    random.nextBytes(b);
                    b[0] = 0;
                    b[1] = 0x64;
                    b[2] = (byte) 0xff;
                    b[3] = (byte) 0x9b;
                    b[4] = 0;
                    b[5] = 1;
                    System.arraycopy(v4, 0, b, 12, 4); // a /96 site prefix, one of the lengths sites pick
                }
                case TEREDO_SERVER, TEREDO_CLIENT -> {
                    random.nextBytes(b);
                    b[0] = 0x20;
                    b[1] = 0x01;
                    b[2] = 0;
                    b[3] = 0;
                    if (this == TEREDO_SERVER) {
                        System.arraycopy(v4, 0, b, 4, 4);
                    } else {
                        for (int i = 0; i < 4; i++) {
                            b[12 + i] = (byte) (v4[i] ^ 0xff);
                        }
                    }
                }
            }
            return text(b, random);
        }

        /** Sometimes the compressed hex form, sometimes the full form, sometimes with a dotted tail. */
        private static String text(byte[] b, Random random) {
            String hex = HexFormat.of().formatHex(b);
            StringBuilder full = new StringBuilder();
            for (int i = 0; i < 32; i += 4) {
                full.append(i == 0 ? "" : ":").append(hex, i, i + 4);
            }
            return switch (random.nextInt(3)) {
                case 0 -> full.toString();
                case 1 -> full.substring(0, 30) + (b[12] & 0xff) + "." + (b[13] & 0xff) + "." + (b[14] & 0xff) + "." + (b[15] & 0xff);
                default -> {
                    try {
                        yield InetAddress.getByAddress(b) instanceof Inet4Address v4
                                ? "::ffff:" + v4.getHostAddress() : InetAddress.getByAddress(b).getHostAddress();
                    } catch (java.net.UnknownHostException e) {
                        throw new IllegalStateException(e);
                    }
                }
            };
        }
    }

    @Test
    void privateAndReservedIpv4IsRefusedInEveryIpv6Spelling() throws Exception {
        for (String range : RESERVED_V4) {
            for (int i = 0; i < 200; i++) {
                byte[] v4 = inRange(range);
                assertThat(guard.allowed(InetAddress.getByAddress(v4))).as(range).isFalse();
                for (Spelling spelling : Spelling.values()) {
                    String literal = spelling.spell(v4, random);
                    assertRefused(literal, spelling + " of " + InetAddress.getByAddress(v4).getHostAddress());
                }
            }
        }
    }

    @Test
    void publicIpv4IsJudgedAsTheIpv4AddressOrItsSpellingIsRefusedWhole() throws Exception {
        int checked = 0;
        while (checked < 3000) {
            byte[] v4 = new byte[4];
            random.nextBytes(v4);
            if (reserved(v4)) {
                continue;
            }
            checked++;
            InetAddress address = InetAddress.getByAddress(v4);
            assertThat(guard.allowed(address)).as(address.getHostAddress()).isTrue();
            for (Spelling spelling : Spelling.values()) {
                String literal = spelling.spell(v4, random);
                if (spelling.decidedOnEmbedded) {
                    assertThat(guard.allowed(InetAddress.getByName(literal))).as(spelling + " " + literal).isTrue();
                    assertThat(guard.refusesLiteral("[" + literal + "]")).as(literal).isFalse();
                } else {
                    assertRefused(literal, spelling + " of " + address.getHostAddress());
                }
            }
        }
    }

    private void assertRefused(String literal, String what) throws Exception {
        assertThat(guard.allowed(InetAddress.getByName(literal))).as(what + ": " + literal).isFalse();
        assertThatThrownBy(() -> guard.resolve(literal)).as(what + ": " + literal)
                .isInstanceOf(WebhookDestinationGuard.BlockedDestinationException.class);
        assertThat(guard.refusesLiteral("[" + literal + "]")).as(what + ": " + literal).isTrue();
    }

    private byte[] inRange(String range) throws Exception {
        String[] parts = range.split("/");
        long base = toLong(InetAddress.getByName(parts[0]).getAddress());
        int prefix = Integer.parseInt(parts[1]);
        long offset = prefix == 32 ? 0 : (random.nextLong() & 0xffffffffL) % (1L << (32 - prefix));
        return toBytes(base + offset);
    }

    private static boolean reserved(byte[] v4) throws Exception {
        long value = toLong(v4);
        if (value == 0xffffffffL) {
            return true;
        }
        for (String range : RESERVED_V4) {
            String[] parts = range.split("/");
            int prefix = Integer.parseInt(parts[1]);
            long mask = (0xffffffffL << (32 - prefix)) & 0xffffffffL;
            if ((value & mask) == (toLong(InetAddress.getByName(parts[0]).getAddress()) & mask)) {
                return true;
            }
        }
        return false;
    }

    private static long toLong(byte[] b) {
        return ((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL);
    }

    private static byte[] toBytes(long v) {
        return new byte[] {(byte) (v >> 24), (byte) (v >> 16), (byte) (v >> 8), (byte) v};
    }
}
