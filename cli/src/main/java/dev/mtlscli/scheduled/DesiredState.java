package dev.mtlscli.scheduled;

import dev.mtlscli.MtlsException;
import dev.mtlscli.json.Json;
import dev.mtlscli.json.JsonObject;
import dev.mtlscli.rotation.RenewalPolicy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the scheduled rotator is to keep true for one service, stored in AWS (issue 23 item 2):
 * where its material is published, which CA issues it, what its truststore trusts, which
 * consumers move and in which account-regions, and the renewal policy. It holds no secret and
 * no private key: certificates only, so it can sit in a table that the rotator and the team's
 * auditors read. What is deployed is not in it: the rotator reads that from AWS each run.
 *
 * @param parameterPrefix the service's SSM prefix, ending with a slash
 * @param ssmKmsKeyId     the KMS key of the password SecureStrings, or null for aws/ssm
 * @param trustAnchors    the certificates the client truststore trusts
 * @param functions       the consumers to move by name; empty with no tags: every user of the layer
 * @param renewAtPercent  of the certificate's lifetime at which it is renewed, or null for two thirds
 * @param jitterPercent   of the lifetime by which renewal may come earlier, or null for 5
 * @param pruneGraceDays  the retention policy: after each run the rotator deletes the layer versions
 *                        no consumer uses that are older than this many days (never the newest);
 *                        null: it deletes none
 */
public record DesiredState(
        String service,
        String layerName,
        String parameterPrefix,
        String ssmKmsKeyId,
        ScheduledIssuer issuer,
        List<X509Certificate> trustAnchors,
        List<String> functions,
        Map<String, String> functionTags,
        List<Target> targets,
        Integer renewAtPercent,
        Integer jitterPercent,
        int canary,
        boolean verifyInvoke,
        Integer pruneGraceDays) {

    public static final int SCHEMA_VERSION = 1;
    private static final Set<String> FIELDS = Set.of("schemaVersion", "service", "layerName", "parameterPrefix", "ssmKmsKeyId",
            "issuer", "trustAnchors", "functions", "functionTags", "targets", "renewAtPercent", "jitterPercent", "canary",
            "verifyInvoke", "pruneGraceDays");

    /** An account-region the rotator works in; {@code roleArn} is assumed there, null for the rotator's own account. */
    public record Target(String account, String region, String roleArn) {
    }

    public DesiredState {
        trustAnchors = List.copyOf(trustAnchors);
        functions = List.copyOf(functions);
        functionTags = Map.copyOf(functionTags);
        targets = List.copyOf(targets);
        if (targets.isEmpty()) {
            throw new MtlsException(service + ": a scheduled rotation needs at least one account and region to work in");
        }
        if (trustAnchors.isEmpty()) {
            throw new MtlsException(service + ": the truststore trusts no certificate");
        }
        renewalPolicy(renewAtPercent, jitterPercent); // refuses nonsense before it is stored
        if (canary < 0) {
            throw new MtlsException(service + ": the canary count must be 0 or more");
        }
        if (pruneGraceDays != null && pruneGraceDays < 0) {
            throw new MtlsException(service + ": the grace period of pruning must be 0 or more days");
        }
    }

    /** A state without a retention policy: the rotator deletes no layer version. */
    public DesiredState(String service, String layerName, String parameterPrefix, String ssmKmsKeyId, ScheduledIssuer issuer,
                        List<X509Certificate> trustAnchors, List<String> functions, Map<String, String> functionTags,
                        List<Target> targets, Integer renewAtPercent, Integer jitterPercent, int canary, boolean verifyInvoke) {
        this(service, layerName, parameterPrefix, ssmKmsKeyId, issuer, trustAnchors, functions, functionTags, targets, renewAtPercent,
                jitterPercent, canary, verifyInvoke, null);
    }

    public RenewalPolicy renewalPolicy() {
        return renewalPolicy(renewAtPercent, jitterPercent);
    }

    private static RenewalPolicy renewalPolicy(Integer renewAt, Integer jitter) {
        if (renewAt == null && jitter == null) {
            return RenewalPolicy.DEFAULT;
        }
        double fraction = renewAt == null ? RenewalPolicy.DEFAULT.fraction() : renewAt / 100.0;
        double spread = jitter == null ? RenewalPolicy.DEFAULT.jitterFraction() : jitter / 100.0;
        try {
            return new RenewalPolicy(fraction, spread);
        } catch (IllegalArgumentException e) {
            throw new MtlsException("renewal at " + renewAt + "% with a jitter of " + jitter + "%: " + e.getMessage());
        }
    }

    public String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("schemaVersion", SCHEMA_VERSION);
        json.put("service", service);
        json.put("layerName", layerName);
        json.put("parameterPrefix", parameterPrefix);
        json.put("ssmKmsKeyId", ssmKmsKeyId);
        Map<String, Object> ca = new LinkedHashMap<>();
        if (issuer instanceof ScheduledIssuer.Kms kms) {
            ca.put("type", "aws-kms");
            ca.put("keyArn", kms.keyArn());
            ca.put("chain", der(kms.chain()));
        } else if (issuer instanceof ScheduledIssuer.AcmPca pca) {
            ca.put("type", "acm-pca");
            ca.put("caArn", pca.caArn());
        }
        json.put("issuer", ca);
        json.put("trustAnchors", der(trustAnchors));
        json.put("functions", functions);
        json.put("functionTags", new java.util.TreeMap<>(functionTags));
        json.put("targets", targets.stream().map(t -> {
            Map<String, Object> target = new LinkedHashMap<>();
            target.put("account", t.account());
            target.put("region", t.region());
            target.put("roleArn", t.roleArn());
            return target;
        }).toList());
        json.put("renewAtPercent", renewAtPercent);
        json.put("jitterPercent", jitterPercent);
        json.put("canary", canary);
        json.put("verifyInvoke", verifyInvoke);
        if (pruneGraceDays != null) {
            // written only when set: a rotator that predates pruning refuses such a state (an unknown
            // field) instead of silently keeping every version, and still reads the states without it
            json.put("pruneGraceDays", pruneGraceDays);
        }
        return Json.write(json);
    }

    /** The state stored as {@code source}; anything unexpected is refused, not guessed at. */
    public static DesiredState parse(String text, String source) {
        JsonObject json = Json.parseObject(text.getBytes(StandardCharsets.UTF_8), source).allowOnly(FIELDS);
        Integer schema = json.integer("schemaVersion");
        if (schema == null || schema != SCHEMA_VERSION) {
            throw new MtlsException(source + ": schemaVersion " + schema + " is not one this mtls-cli reads (" + SCHEMA_VERSION
                    + "); upgrade mtls-cli");
        }
        JsonObject ca = required(json.object("issuer"), source, "issuer");
        ScheduledIssuer issuer = switch (String.valueOf(ca.string("type"))) {
            case "aws-kms" -> new ScheduledIssuer.Kms(required(ca.string("keyArn"), source, "issuer.keyArn"),
                    certificates(ca.strings("chain"), source + " issuer.chain"));
            case "acm-pca" -> new ScheduledIssuer.AcmPca(required(ca.string("caArn"), source, "issuer.caArn"));
            default -> throw new MtlsException(source + ": issuer.type must be aws-kms or acm-pca, not " + ca.string("type"));
        };
        List<Target> targets = new ArrayList<>();
        for (JsonObject target : json.objects("targets")) {
            targets.add(new Target(required(target.string("account"), source, "targets[].account"),
                    required(target.string("region"), source, "targets[].region"), target.string("roleArn")));
        }
        Map<String, String> tags = new LinkedHashMap<>();
        JsonObject tagObject = json.object("functionTags");
        if (tagObject != null) {
            for (String key : tagObject.values().keySet()) {
                tags.put(key, required(tagObject.string(key), source, "functionTags." + key));
            }
        }
        Integer canary = json.integer("canary");
        Boolean verify = json.bool("verifyInvoke");
        return new DesiredState(required(json.string("service"), source, "service"), required(json.string("layerName"), source, "layerName"),
                required(json.string("parameterPrefix"), source, "parameterPrefix"), json.string("ssmKmsKeyId"), issuer,
                certificates(json.strings("trustAnchors"), source + " trustAnchors"), orEmpty(json.strings("functions")), tags, targets,
                json.integer("renewAtPercent"), json.integer("jitterPercent"), canary == null ? 0 : canary, Boolean.TRUE.equals(verify),
                json.integer("pruneGraceDays"));
    }

    private static <T> T required(T value, String source, String field) {
        if (value == null) {
            throw new MtlsException(source + ": '" + field + "' is missing");
        }
        return value;
    }

    private static List<String> orEmpty(List<String> values) {
        return values == null ? List.of() : values;
    }

    private static List<String> der(List<X509Certificate> certificates) {
        List<String> encoded = new ArrayList<>();
        for (X509Certificate certificate : certificates) {
            try {
                encoded.add(Base64.getEncoder().encodeToString(certificate.getEncoded()));
            } catch (CertificateEncodingException e) {
                throw new MtlsException("a certificate cannot be encoded: " + e.getMessage());
            }
        }
        return encoded;
    }

    private static List<X509Certificate> certificates(List<String> encoded, String source) {
        List<X509Certificate> certificates = new ArrayList<>();
        if (encoded == null) {
            return certificates;
        }
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (String der : encoded) {
                certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(der))));
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new MtlsException(source + ": not a base64 DER certificate");
        }
        return certificates;
    }
}
