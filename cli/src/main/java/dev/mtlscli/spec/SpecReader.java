package dev.mtlscli.spec;

import dev.mtlscli.json.Json;
import dev.mtlscli.json.JsonObject;
import dev.mtlscli.store.BoundedReads;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** Reads mtls.json. Unknown fields are errors, so a typo is reported instead of silently ignored. */
public final class SpecReader {
    private static final String DEMO_SPEC = "/dev/mtlscli/demo-spec.json";
    private static final Set<String> SPEC_FIELDS =
            Set.of("version", "keyAlgorithm", "storeType", "caValidityDays", "validityDays", "services", "sharedTrustStore");
    private static final Set<String> SERVICE_FIELDS =
            Set.of("name", "host", "dnsNames", "ipAddresses", "keyAlgorithm", "ca", "server", "client");
    private static final Set<String> CERTIFICATE_FIELDS = Set.of("subject", "validityDays");

    private SpecReader() {
    }

    public static MtlsSpec read(Path path) {
        return parse(BoundedReads.read(path, BoundedReads.SMALL, "spec file"), "spec file " + path);
    }

    /** The demo set: two services, as in the well-known Lambda mTLS sample. */
    public static MtlsSpec demo() {
        return parse(demoJson().getBytes(StandardCharsets.UTF_8), "the built-in demo spec");
    }

    public static String demoJson() {
        try (InputStream in = SpecReader.class.getResourceAsStream(DEMO_SPEC)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("the demo spec is missing from the jar", e);
        }
    }

    static MtlsSpec parse(byte[] bytes, String source) {
        JsonObject root = Json.parseObject(bytes, source).allowOnly(SPEC_FIELDS);
        List<JsonObject> services = root.objects("services");
        return new MtlsSpec(
                root.integer("version"),
                root.string("keyAlgorithm"),
                root.string("storeType"),
                root.integer("caValidityDays"),
                root.integer("validityDays"),
                services == null ? null : services.stream().map(SpecReader::service).toList(),
                root.bool("sharedTrustStore"));
    }

    private static MtlsSpec.Service service(JsonObject service) {
        if (service == null) {
            return null;
        }
        service.allowOnly(SERVICE_FIELDS);
        return new MtlsSpec.Service(
                service.string("name"),
                service.string("host"),
                service.strings("dnsNames"),
                service.strings("ipAddresses"),
                service.string("keyAlgorithm"),
                certificate(service.object("ca")),
                certificate(service.object("server")),
                certificate(service.object("client")));
    }

    private static MtlsSpec.Certificate certificate(JsonObject certificate) {
        if (certificate == null) {
            return null;
        }
        certificate.allowOnly(CERTIFICATE_FIELDS);
        return new MtlsSpec.Certificate(certificate.string("subject"), certificate.integer("validityDays"));
    }
}
