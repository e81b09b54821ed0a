package org.telenc.engine.webhook;

import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hc.client5.http.DnsResolver;

/**
 * SSRF guard for webhook deliveries (issue 3): resolves the receiver's host and refuses loopback,
 * private, link-local, CGNAT, multicast and other reserved addresses at connect time, after DNS
 * resolution (so a public name that resolves inward is refused too), unless an allowlisted CIDR
 * covers the address. Off in sandbox mode, whose inbox is on loopback.
 */
public class WebhookDestinationGuard implements DnsResolver {

    /** A refused destination: permanent, never retried. */
    public static class BlockedDestinationException extends UnknownHostException {
        public BlockedDestinationException() {
            super("webhook destination address is not allowed");
        }
    }

    private static final List<Cidr> RESERVED = Cidr.parse(List.of(
            "0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "192.0.2.0/24", "198.18.0.0/15", "198.51.100.0/24",
            "203.0.113.0/24", "240.0.0.0/4", "fc00::/7", "fec0::/10", "2001:db8::/32", "100::/64"));
    private static final Cidr NAT64 = Cidr.parse(List.of("64:ff9b::/96")).get(0);

    private final boolean enabled;
    private final List<Cidr> allowlist;

    public WebhookDestinationGuard(boolean enabled, List<String> allowlist) {
        this.enabled = enabled;
        this.allowlist = Cidr.parse(allowlist);
    }

    public boolean allowed(InetAddress address) {
        if (!enabled || allowlist.stream().anyMatch(c -> c.contains(address))) {
            return true;
        }
        return !reserved(address);
    }

    static boolean reserved(InetAddress a) {
        if (a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress() || RESERVED.stream().anyMatch(c -> c.contains(a))) {
            return true;
        }
        if (a instanceof Inet4Address v4) {
            return Arrays.equals(v4.getAddress(), new byte[] {(byte) 255, (byte) 255, (byte) 255, (byte) 255});
        }
        if (NAT64.contains(a)) { // 64:ff9b::a.b.c.d reaches a.b.c.d
            byte[] bytes = a.getAddress();
            try {
                return reserved(InetAddress.getByAddress(Arrays.copyOfRange(bytes, 12, 16)));
            } catch (UnknownHostException e) {
                return true;
            }
        }
        return false;
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

    /** An IPv4 or IPv6 network in CIDR notation. */
    record Cidr(byte[] network, int prefix) {

        static List<Cidr> parse(List<String> cidrs) {
            List<Cidr> parsed = new ArrayList<>();
            for (String cidr : cidrs == null ? List.<String>of() : cidrs) {
                String[] parts = cidr.strip().split("/");
                try {
                    byte[] network = InetAddress.getByName(parts[0]).getAddress();
                    int prefix = parts.length > 1 ? Integer.parseInt(parts[1]) : network.length * 8;
                    parsed.add(new Cidr(network, prefix));
                } catch (UnknownHostException | NumberFormatException e) {
                    throw new IllegalArgumentException("not a CIDR: " + cidr);
                }
            }
            return parsed;
        }

        boolean contains(InetAddress address) {
            byte[] bytes = address.getAddress();
            if (bytes.length != network.length) {
                return false;
            }
            int bits = bytes.length * 8;
            BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
                    .xor(BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE));
            return new BigInteger(1, bytes).and(mask).equals(new BigInteger(1, network).and(mask));
        }
    }
}
