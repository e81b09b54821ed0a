package org.telenc.engine.webhook;

import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.hc.client5.http.DnsResolver;

/**
 * SSRF guard for webhook deliveries: resolves the receiver's host and refuses loopback,
 * private, link-local, CGNAT, multicast and other reserved addresses at connect time, after DNS
 * resolution (so a public name that resolves inward is refused too), unless an allowlisted CIDR
 * covers the address. Off in sandbox mode, whose inbox is on loopback.
 *
 * <p>IPv6 spellings that reach an IPv4 address are judged as follows:
 * <ul>
 * <li>IPv4-mapped {@code ::ffff:a.b.c.d} is the IPv4 address itself (Java already hands it over as an
 * {@link Inet4Address}; the bytes are checked here too): decided on {@code a.b.c.d}.</li>
 * <li>NAT64 well-known prefix {@code 64:ff9b::/96} (RFC 6052): the translator connects to the last 32
 * bits, so it is decided on them: a private or reserved IPv4 is refused, a public one passes.</li>
 * <li>6to4 {@code 2002::/16} (RFC 3056): a relay delivers to the IPv4 host in bits 16-48, so it is
 * decided on that address, like NAT64.</li>
 * <li>IPv4-compatible {@code ::a.b.c.d} ({@code ::/96}): deprecated by RFC 4291 since 2006, no
 * receiver lives there and some stacks still tunnel it to {@code a.b.c.d}: refused altogether.</li>
 * <li>Local-use NAT64 {@code 64:ff9b:1::/48} (RFC 8215): the site picks a prefix length from /48 to
 * /96, so where the IPv4 address sits is unknowable here: refused altogether.</li>
 * <li>Teredo {@code 2001::/32} (RFC 4380): a NAT-traversal address of a client (server IPv4 in bits
 * 32-64, client IPv4 in the last 32 bits XOR 0xffffffff), never a webhook receiver, and either
 * embedded address may be inward: refused altogether, with the rest of the IETF protocol block
 * {@code 2001::/23}.</li>
 * </ul>
 */
public class WebhookDestinationGuard implements DnsResolver {

    /** The setting whose entries are {@link #parseAllowlist parsed}; named in every error. */
    public static final String ALLOWLIST_PROPERTY = "engine.webhook.address-allowlist";

    /** A refused destination: permanent, never retried. */
    public static class BlockedDestinationException extends UnknownHostException {
        public BlockedDestinationException() {
            super("webhook destination address is not allowed");
        }
    }

    /** An allowlist entry that is not a CIDR; its message names the entry and what is wrong. */
    public static class InvalidCidrException extends IllegalArgumentException {
        private final String entry;
        private final String reason;

        InvalidCidrException(String entry, String reason) {
            super(ALLOWLIST_PROPERTY + ": entry '" + entry + "' is not a CIDR: " + reason);
            this.entry = entry;
            this.reason = reason;
        }

        public String entry() {
            return entry;
        }

        public String reason() {
            return reason;
        }
    }

    /** IANA special-purpose IPv4 ranges (RFC 6890 and successors) and the broadcast address. */
    static final List<Cidr> RESERVED_V4 = Cidr.parse(List.of(
            "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
            "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
            "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4", "255.255.255.255/32"));
    /** IPv6 ranges refused whatever they embed (see the class comment for the IPv4-embedding ones). */
    static final List<Cidr> RESERVED_V6 = Cidr.parse(List.of(
            "::/96", // unspecified, loopback, IPv4-compatible (deprecated)
            "64:ff9b:1::/48", // local-use NAT64
            "100::/64", // discard
            "2001::/23", // IETF protocol assignments, Teredo 2001::/32 included
            "2001:db8::/32", "3fff::/20", // documentation
            "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8"));
    static final Cidr MAPPED = Cidr.of("::ffff:0:0/96");
    static final Cidr NAT64 = Cidr.of("64:ff9b::/96");
    static final Cidr SIX_TO_FOUR = Cidr.of("2002::/16");

    private final boolean enabled;
    private final List<Cidr> allowlist;

    /** @throws InvalidCidrException naming the first entry of {@code allowlist} that is not a CIDR */
    public WebhookDestinationGuard(boolean enabled, List<String> allowlist) {
        this.enabled = enabled;
        this.allowlist = parseAllowlist(allowlist);
    }

    /** Whether the guard refuses anything (off in sandbox mode or by setting). */
    public boolean enabled() {
        return enabled;
    }

    public boolean allowed(InetAddress address) {
        if (!enabled || allowlist.stream().anyMatch(c -> c.contains(address))) {
            return true;
        }
        return !reserved(address);
    }

    static boolean reserved(InetAddress a) {
        if (a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] bytes = a.getAddress();
        if (a instanceof Inet4Address) {
            return RESERVED_V4.stream().anyMatch(c -> c.contains(bytes));
        }
        if (RESERVED_V6.stream().anyMatch(c -> c.contains(bytes))) {
            return true;
        }
        if (MAPPED.contains(bytes) || NAT64.contains(bytes)) { // ::ffff:a.b.c.d, 64:ff9b::a.b.c.d reach a.b.c.d
            return reservedV4(Arrays.copyOfRange(bytes, 12, 16));
        }
        if (SIX_TO_FOUR.contains(bytes)) { // 2002:AABB:CCDD::/48 is the site behind a.b.c.d
            return reservedV4(Arrays.copyOfRange(bytes, 2, 6));
        }
        return false;
    }

    private static boolean reservedV4(byte[] v4) {
        try {
            return reserved(InetAddress.getByAddress(v4));
        } catch (UnknownHostException e) {
            return true;
        }
    }

    /**
     * Whether a URL's host is an address literal ({@code 10.0.0.1}, {@code [::ffff:a9fe:a9fe]}) the
     * guard refuses, so registration can say so at once. Names (and odd numeric spellings) are
     * judged at connect time, after DNS, as before: a literal is never looked up here.
     */
    public boolean refusesLiteral(String host) {
        if (!enabled || host == null) {
            return false;
        }
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        boolean v6 = literal.indexOf(':') >= 0 && Cidr.V6.matcher(literal).matches();
        if (!v6 && !Cidr.V4.matcher(literal).matches()) {
            return false;
        }
        try {
            return !allowed(InetAddress.getByName(literal));
        } catch (UnknownHostException e) {
            return false; // not a literal after all: left to the connect-time check
        }
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        InetAddress[] all = InetAddress.getAllByName(host);
        InetAddress[] permitted = Arrays.stream(all).filter(this::allowed).toArray(InetAddress[]::new);
        if (permitted.length == 0) {
            throw new BlockedDestinationException();
        }
        return permitted;
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        return resolve(host)[0].getCanonicalHostName();
    }

    /**
     * The allowlist, strictly: every entry an IPv4 or IPv6 literal with an optional prefix in range.
     * A host name, an empty entry or a prefix out of range is refused (a lenient parse once let
     * {@code 10.0.0.0/33} match every IPv4 address).
     */
    public static List<Cidr> parseAllowlist(List<String> entries) {
        return Cidr.parse(entries == null ? List.of() : entries);
    }

    /** An IPv4 or IPv6 network in CIDR notation. */
    public record Cidr(byte[] network, int prefix) {

        private static final Pattern V4 = Pattern.compile("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");
        private static final Pattern V6 = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]*");
        private static final Pattern PREFIX = Pattern.compile("0|[1-9][0-9]{0,2}");

        public Cidr {
            if (network.length != 4 && network.length != 16 || prefix < 0 || prefix > network.length * 8) {
                throw new IllegalArgumentException("prefix out of range");
            }
            network = network.clone();
        }

        static Cidr of(String cidr) {
            return parse(List.of(cidr)).get(0);
        }

        static List<Cidr> parse(List<String> cidrs) {
            List<Cidr> parsed = new ArrayList<>();
            for (String cidr : cidrs) {
                parsed.add(parseOne(cidr));
            }
            return parsed;
        }

        private static Cidr parseOne(String raw) {
            String cidr = raw == null ? "" : raw.strip();
            if (cidr.isEmpty()) {
                throw new InvalidCidrException(cidr, "empty entry (two commas in a row, or a trailing comma?)");
            }
            int slash = cidr.indexOf('/');
            String address = slash < 0 ? cidr : cidr.substring(0, slash);
            byte[] network = literal(cidr, address);
            int max = network.length * 8;
            int prefix = max;
            if (slash >= 0) {
                String bits = cidr.substring(slash + 1);
                if (!PREFIX.matcher(bits).matches() || Integer.parseInt(bits) > max) {
                    throw new InvalidCidrException(cidr, "the prefix length must be a whole number from 0 to " + max);
                }
                prefix = Integer.parseInt(bits);
            }
            return new Cidr(network, prefix);
        }

        /** The bytes of an address literal, never a DNS lookup. */
        private static byte[] literal(String cidr, String address) {
            boolean v6 = address.indexOf(':') >= 0;
            if (!v6 && !V4.matcher(address).matches() || v6 && !V6.matcher(address).matches()) {
                throw new InvalidCidrException(cidr, v6 ? "not an IPv6 address"
                        : "not an IPv4 address (four decimal numbers 0-255, no leading zeros) nor IPv6; host names are not allowed");
            }
            if (!v6 && Arrays.stream(address.split("\\.")).anyMatch(octet -> Integer.parseInt(octet) > 255)) {
                throw new InvalidCidrException(cidr, "an IPv4 number is over 255");
            }
            try {
                InetAddress parsed = InetAddress.getByName(address); // a literal: parsed, not resolved
                // Java turns ::ffff:a.b.c.d into the IPv4 address; keep the family the operator wrote
                return v6 && parsed instanceof Inet4Address ? mapped(parsed.getAddress()) : parsed.getAddress();
            } catch (UnknownHostException e) {
                throw new InvalidCidrException(cidr, v6 ? "not an IPv6 address" : "not an IPv4 address");
            }
        }

        private static byte[] mapped(byte[] v4) {
            byte[] v6 = new byte[16];
            v6[10] = (byte) 0xff;
            v6[11] = (byte) 0xff;
            System.arraycopy(v4, 0, v6, 12, 4);
            return v6;
        }

        boolean contains(InetAddress address) {
            byte[] bytes = address.getAddress();
            if (address instanceof Inet4Address && network.length == 16) {
                // an allowlisted ::ffff:a.b.c.d/n (n >= 96) covers the IPv4 address Java makes of it; ::/0 does not
                return prefix >= 96 && MAPPED.contains(network) && contains(mapped(bytes));
            } else if (address instanceof Inet6Address && network.length == 4) {
                return false;
            }
            return contains(bytes);
        }

        boolean contains(byte[] bytes) {
            if (bytes.length != network.length) {
                return false;
            }
            int bits = bytes.length * 8;
            BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
                    .xor(BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE));
            return new BigInteger(1, bytes).and(mask).equals(new BigInteger(1, network).and(mask));
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(network) + prefix;
        }

        @Override
        public String toString() {
            try {
                return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
            } catch (UnknownHostException e) {
                return "?/" + prefix;
            }
        }
    }
}
