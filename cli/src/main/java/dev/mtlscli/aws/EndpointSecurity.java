package dev.mtlscli.aws;

import dev.mtlscli.MtlsException;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.profiles.ProfileFileSystemSetting;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps secrets off the wire in clear text. A PutParameter request carries a keystore password
 * in its body, and every request carries a SigV4 signature that a listener could replay within
 * its window; over plain http anyone on the path reads both. Plain http is therefore refused for
 * any endpoint that is not this machine's loopback, whether the endpoint came from a flag, from
 * the SDK's environment variables (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_&lt;SERVICE&gt;) or from the
 * profile's endpoint_url, unless the user says --allow-insecure-endpoint.
 */
public final class EndpointSecurity {
    private EndpointSecurity() {
    }

    /** Checks every endpoint the clients of these settings would use; one line naming the first bad one. */
    public static void check(AwsSettings settings, Map<String, String> environment) {
        if (settings.allowInsecureEndpoint()) {
            return;
        }
        for (AwsService service : AwsService.values()) {
            URI flag = settings.endpointOf(service);
            if (flag != null) {
                checkOne(flag, flagName(settings, service));
                continue;
            }
            if ("true".equalsIgnoreCase(environment.getOrDefault("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", ""))) {
                continue;
            }
            String specific = "AWS_ENDPOINT_URL_" + service.id().toUpperCase(Locale.ROOT).replace('-', '_');
            if (environment.get(specific) != null) {
                checkOne(parse(environment.get(specific), specific), specific);
            } else if (environment.get("AWS_ENDPOINT_URL") != null) {
                checkOne(parse(environment.get("AWS_ENDPOINT_URL"), "AWS_ENDPOINT_URL"), "AWS_ENDPOINT_URL");
            } else {
                Optional<String> profileUrl = profileEndpoint(settings.profile(), environment);
                if (profileUrl.isPresent()) {
                    checkOne(parse(profileUrl.get(), "the profile's endpoint_url"), "the profile's endpoint_url");
                }
            }
        }
    }

    /** True for the loopback addresses written as such: 127.0.0.0/8, ::1 and the name localhost. */
    public static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (bare.equalsIgnoreCase("localhost")) {
            return true;
        }
        // Only literals: a DNS name is not resolved, because what it resolves to now need not be
        // where the request goes a moment later.
        if (!bare.matches("[0-9.]+") && !bare.contains(":")) {
            return false;
        }
        try {
            return InetAddress.getByName(bare).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static void checkOne(URI endpoint, String source) {
        if ("http".equalsIgnoreCase(endpoint.getScheme()) && !isLoopback(endpoint.getHost())) {
            throw new MtlsException(source + " " + endpoint + " is plain http to another machine, which would "
                    + "send passwords and signed requests in clear text; use https, or --allow-insecure-endpoint if the network "
                    + "path is yours");
        }
    }

    private static String flagName(AwsSettings settings, AwsService service) {
        return settings.serviceEndpoints().containsKey(service) ? "--" + service.id() + "-endpoint-url" : "--endpoint-url";
    }

    /**
     * An endpoint URL from any source, its scheme in lower case: schemes are case-insensitive
     * (RFC 3986), so HTTP://host is plain http and gets the plain-http check, and the SDK's
     * clients, some of which compare the scheme exactly, see the one spelling.
     */
    public static URI parse(String url, String source) {
        try {
            URI uri = new URI(url.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
                throw new MtlsException(source + " '" + url + "' is not an http(s) URL with a host");
            }
            return scheme.equals(uri.getScheme()) ? uri : new URI(scheme + uri.toString().substring(uri.getScheme().length()));
        } catch (java.net.URISyntaxException e) {
            throw new MtlsException(source + " '" + url + "' is not a URL: " + e.getReason());
        }
    }

    private static Optional<String> profileEndpoint(String profile, Map<String, String> environment) {
        String name = profile != null ? profile
                : environment.getOrDefault("AWS_PROFILE", ProfileFileSystemSetting.AWS_PROFILE.defaultValue());
        try {
            return ProfileFile.defaultProfileFile().profile(name).flatMap(p -> p.property("endpoint_url"));
        } catch (RuntimeException unreadable) {
            // an unreadable profile file is reported where the region and credentials are resolved
            return Optional.empty();
        }
    }
}
