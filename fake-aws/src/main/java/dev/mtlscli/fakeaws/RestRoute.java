package dev.mtlscli.fakeaws;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One operation of a REST protocol: its HTTP method and request URI as the service model writes
 * them, e.g. {@code GET /2018-10-31/layers/{LayerName}/versions/{VersionNumber}}. A literal query
 * in the template ({@code /2018-10-31/layers?find=LayerVersion}) must be present in the request,
 * which is how the model tells GetLayerVersionByArn from ListLayers.
 */
record RestRoute(String operation, String method, List<String> segments, Map<String, String> requiredQuery) {

    static RestRoute of(String operation, String method, String requestUri) {
        int question = requestUri.indexOf('?');
        String path = question < 0 ? requestUri : requestUri.substring(0, question);
        Map<String, String> query = new LinkedHashMap<>();
        if (question >= 0) {
            for (String pair : requestUri.substring(question + 1).split("&")) {
                int eq = pair.indexOf('=');
                query.put(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1));
            }
        }
        return new RestRoute(operation, method, split(path), Map.copyOf(query));
    }

    /** The path's segments; empty segments (a trailing or doubled slash) are dropped. */
    static List<String> split(String path) {
        List<String> segments = new ArrayList<>();
        for (String segment : path.split("/")) {
            if (!segment.isEmpty()) {
                segments.add(segment);
            }
        }
        return segments;
    }

    /**
     * The URI parameters when this route serves the request, keyed by their names in the template.
     *
     * @param decodedSegments the request path's segments, each percent-decoded on its own so that
     *                        an ARN with an encoded {@code /} stays one segment
     */
    Optional<Map<String, String>> match(String requestMethod, List<String> decodedSegments,
                                        Map<String, List<String>> query) {
        if (!method.equals(requestMethod) || segments.size() != decodedSegments.size()) {
            return Optional.empty();
        }
        for (Map.Entry<String, String> required : requiredQuery.entrySet()) {
            if (!query.getOrDefault(required.getKey(), List.of()).contains(required.getValue())) {
                return Optional.empty();
            }
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < segments.size(); i++) {
            String template = segments.get(i);
            String actual = decodedSegments.get(i);
            if (template.startsWith("{") && template.endsWith("}")) {
                params.put(template.substring(1, template.length() - 1), actual);
            } else if (!template.equals(actual)) {
                return Optional.empty();
            }
        }
        return Optional.of(params);
    }
}
