package dev.mtlscli.scheduled;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The props of the CDK construct {@code MtlsRotator} (infra/) that give the rotator exactly the
 * rights a desired state needs, as Java lines to paste into the user's CDK app: CDK users keep
 * their infrastructure in their own app and deploy it themselves, so mtls-cli prints the props
 * rather than deploying a stack of its own.
 */
public final class RotatorPropsSnippet {
    private RotatorPropsSnippet() {
    }

    /**
     * @param prefixTemplate the parameter prefix as given, with {service} unreplaced; the
     *                       construct grants the path before it
     */
    public static List<String> lines(DesiredState state, String prefixTemplate) {
        List<String> lines = new ArrayList<>();
        lines.add("MtlsRotatorProps.builder()");
        lines.add("        .services(List.of(" + quote(state.service()) + "))");
        if (!state.layerName().equals("mtls-" + state.service())) {
            lines.add("        .layerNames(List.of(" + quote(state.layerName()) + "))");
        }
        String prefix = constructPrefix(prefixTemplate);
        if (!prefix.equals("/mtls")) {
            lines.add("        .parameterPrefix(" + quote(prefix) + ")");
        }
        if (state.issuer() instanceof ScheduledIssuer.Kms kms) {
            lines.add("        .kmsCaKeyArns(List.of(" + quote(kms.keyArn()) + "))");
        } else if (state.issuer() instanceof ScheduledIssuer.AcmPca pca) {
            lines.add("        .privateCaArns(List.of(" + quote(pca.caArn()) + "))");
        }
        if (!state.functions().isEmpty()) {
            lines.add("        .consumerFunctionNames(List.of(" + state.functions().stream().map(RotatorPropsSnippet::quote)
                    .collect(Collectors.joining(", ")) + "))");
        }
        for (Map.Entry<String, String> tag : new java.util.TreeMap<>(state.functionTags()).entrySet()) {
            lines.add("        .consumerFunctionTag(" + quote(tag.getKey()) + ", " + quote(tag.getValue()) + ")");
        }
        TreeSet<String> regions = state.targets().stream().map(DesiredState.Target::region).collect(Collectors.toCollection(TreeSet::new));
        lines.add("        .regions(List.of(" + regions.stream().map(RotatorPropsSnippet::quote).collect(Collectors.joining(", ")) + "))");
        List<String> roles = state.targets().stream().map(DesiredState.Target::roleArn).filter(java.util.Objects::nonNull).distinct().toList();
        if (!roles.isEmpty()) {
            lines.add("        .memberRoleArns(List.of(" + roles.stream().map(RotatorPropsSnippet::quote).collect(Collectors.joining(", ")) + "))");
        }
        if (state.ssmKmsKeyId() != null) {
            lines.add("        .parameterKmsKeyArn(" + quote(state.ssmKmsKeyId()) + ")" + (state.ssmKmsKeyId().startsWith("arn:")
                    ? "" : "  // the construct needs the key's ARN, not an alias"));
        }
        lines.add("        .build()");
        return lines;
    }

    /** The path the construct grants: the template before its {service}, without a trailing slash. */
    static String constructPrefix(String template) {
        int service = template.indexOf("{service}");
        String path = service < 0 ? template : template.substring(0, service);
        while (path.endsWith("/") && path.length() > 1) {
            path = path.substring(0, path.length() - 1);
        }
        return path.isEmpty() ? "/" : path;
    }

    /** A Java string literal; the values are AWS names and ARNs, checked before, but quoted safely anyway. */
    private static String quote(String value) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        quoted.append(String.format("\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
