package dev.mtlscli.fakeaws;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The SSM Parameter Store operations on the wire (AWS JSON 1.1, target prefix {@code AmazonSSM}):
 * PutParameter, GetParameter, GetParameters (with {@code name:version} and {@code name:label}
 * selectors), GetParameterHistory, LabelParameterVersion, DeleteParameter, over the state in
 * {@link FakeSsm}.
 */
final class SsmService implements JsonTargetService {
    private static final int MAX_NAMES = 10;
    private static final int MAX_HISTORY_RESULTS = 50;
    private static final int MAX_LABELS_PER_CALL = 10;
    private static final int MAX_LABEL_LENGTH = 100;

    private final FakeSsm state;

    SsmService(FakeSsm state) {
        this.state = state;
    }

    @Override
    public String signingName() {
        return "ssm";
    }

    @Override
    public String targetPrefix() {
        return "AmazonSSM";
    }

    @Override
    public String contentType() {
        return "application/x-amz-json-1.1";
    }

    @Override
    public Map<String, Object> call(String operation, Map<String, Object> input) throws AwsError {
        switch (operation) {
            case "PutParameter":
                return putParameter(input);
            case "GetParameter":
                return getParameter(input);
            case "GetParameters":
                return getParameters(input);
            case "GetParameterHistory":
                return getParameterHistory(input);
            case "LabelParameterVersion":
                return labelParameterVersion(input);
            case "DeleteParameter":
                return deleteParameter(input);
            default:
                throw AwsError.badRequest("UnknownOperationException",
                        "fake-aws does not implement AmazonSSM." + operation + ".");
        }
    }

    private Map<String, Object> putParameter(Map<String, Object> input) throws AwsError {
        Map<String, String> tags = new LinkedHashMap<>();
        for (Object tag : JsonArgs.list(input, "Tags")) {
            if (!(tag instanceof Map<?, ?> pair) || !(pair.get("Key") instanceof String key)
                    || !(pair.get("Value") instanceof String value)) {
                throw AwsError.badRequest("SerializationException", "Each tag must have a string Key and Value.");
            }
            tags.put(key, value);
        }
        long version = state.putParameter(new FakeSsm.Put(
                JsonArgs.requiredString(input, "Name"),
                JsonArgs.requiredString(input, "Value"),
                JsonArgs.optionalString(input, "Type"),
                JsonArgs.optionalString(input, "KeyId"),
                JsonArgs.optionalString(input, "Description"),
                JsonArgs.flag(input, "Overwrite"),
                tags,
                JsonArgs.optionalString(input, "Tier")));
        return JsonOutput.ordered("Version", version, "Tier", state.tier(JsonArgs.requiredString(input, "Name")));
    }

    private Map<String, Object> getParameter(Map<String, Object> input) throws AwsError {
        SsmNames.Selected selected = SsmNames.select(JsonArgs.requiredString(input, "Name"));
        boolean decrypt = JsonArgs.flag(input, "WithDecryption");
        if (!state.exists(selected.name())) {
            throw AwsError.badRequest("ParameterNotFound", "Parameter " + selected.name() + " not found.");
        }
        Optional<FakeSsm.ParameterVersion> found = find(selected);
        if (found.isEmpty()) {
            throw AwsError.badRequest("ParameterVersionNotFound", "Systems Manager could not find version "
                    + selected.selector() + " of " + selected.name() + ". Verify the version and try again.");
        }
        return JsonOutput.ordered("Parameter", parameter(found.get(), selected, decrypt));
    }

    private Map<String, Object> getParameters(Map<String, Object> input) throws AwsError {
        List<?> names = JsonArgs.list(input, "Names");
        if (names.isEmpty() || names.size() > MAX_NAMES) {
            throw AwsError.validation("1 validation error detected: Value '" + names + "' at 'names' failed to"
                    + " satisfy constraint: Member must have length " + (names.isEmpty()
                    ? "greater than or equal to 1" : "less than or equal to " + MAX_NAMES));
        }
        boolean decrypt = JsonArgs.flag(input, "WithDecryption");
        List<Object> parameters = new ArrayList<>();
        List<Object> invalid = new ArrayList<>();
        for (Object name : new LinkedHashSet<>(names)) {
            if (!(name instanceof String requested)) {
                throw AwsError.badRequest("SerializationException", "Names must be a list of strings.");
            }
            SsmNames.Selected selected = SsmNames.select(requested);
            Optional<FakeSsm.ParameterVersion> found = find(selected);
            if (found.isPresent()) {
                parameters.add(parameter(found.get(), selected, decrypt));
            } else {
                invalid.add(requested);
            }
        }
        return JsonOutput.ordered("Parameters", parameters, "InvalidParameters", invalid);
    }

    private Map<String, Object> getParameterHistory(Map<String, Object> input) throws AwsError {
        String name = JsonArgs.requiredString(input, "Name");
        boolean decrypt = JsonArgs.flag(input, "WithDecryption");
        Long maxResults = JsonArgs.optionalLong(input, "MaxResults");
        int pageSize = maxResults == null ? MAX_HISTORY_RESULTS : (int) Math.min(maxResults, MAX_HISTORY_RESULTS);
        if (pageSize < 1) {
            throw AwsError.validation("1 validation error detected: Value '" + maxResults + "' at 'maxResults'"
                    + " failed to satisfy constraint: Member must have value greater than or equal to 1");
        }
        List<FakeSsm.ParameterVersion> history = state.history(name);
        if (history.isEmpty()) {
            throw AwsError.badRequest("ParameterNotFound", "Parameter " + name + " not found.");
        }
        int from = startIndex(JsonArgs.optionalString(input, "NextToken"), history.size());
        int to = Math.min(history.size(), from + pageSize);
        List<Object> page = new ArrayList<>();
        for (FakeSsm.ParameterVersion version : history.subList(from, to)) {
            page.add(historyEntry(version, decrypt));
        }
        Map<String, Object> output = JsonOutput.ordered("Parameters", page);
        if (to < history.size()) {
            output.put("NextToken", Integer.toString(to));
        }
        return output;
    }

    private Map<String, Object> labelParameterVersion(Map<String, Object> input) throws AwsError {
        String name = JsonArgs.requiredString(input, "Name");
        Long version = JsonArgs.optionalLong(input, "ParameterVersion");
        List<?> given = JsonArgs.list(input, "Labels");
        if (given.isEmpty() || given.size() > MAX_LABELS_PER_CALL) {
            throw AwsError.validation("1 validation error detected: Value '" + given + "' at 'labels' failed to"
                    + " satisfy constraint: Member must have length " + (given.isEmpty()
                    ? "greater than or equal to 1" : "less than or equal to " + MAX_LABELS_PER_CALL));
        }
        List<String> labels = new ArrayList<>();
        for (Object label : given) {
            if (!(label instanceof String text)) {
                throw AwsError.badRequest("SerializationException", "Labels must be a list of strings.");
            }
            if (text.isEmpty() || text.length() > MAX_LABEL_LENGTH) {
                throw AwsError.validation("1 validation error detected: Value '" + given + "' at 'labels' failed to"
                        + " satisfy constraint: Member must satisfy constraint: [Member must have length less than or"
                        + " equal to " + MAX_LABEL_LENGTH + ", Member must have length greater than or equal to 1]");
            }
            labels.add(text);
        }
        FakeSsm.Labeled labeled = state.labelParameterVersion(name, version, labels);
        return JsonOutput.ordered("InvalidLabels", labeled.invalidLabels(), "ParameterVersion", labeled.version());
    }

    private Map<String, Object> deleteParameter(Map<String, Object> input) throws AwsError {
        String name = JsonArgs.requiredString(input, "Name");
        if (!state.delete(name)) {
            throw AwsError.badRequest("ParameterNotFound", "Parameter " + name + " not found.");
        }
        return Map.of();
    }

    private Optional<FakeSsm.ParameterVersion> find(SsmNames.Selected selected) {
        if (selected.label() != null) {
            return state.labeled(selected.name(), selected.label());
        }
        long version = selected.version();
        return version < 0 ? state.latest(selected.name()) : state.version(selected.name(), version);
    }

    private static int startIndex(String nextToken, int size) throws AwsError {
        if (nextToken == null) {
            return 0;
        }
        try {
            int index = Integer.parseInt(nextToken);
            if (index >= 0 && index < size) {
                return index;
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw AwsError.validation("The specified token is not valid.");
    }

    private Map<String, Object> parameter(FakeSsm.ParameterVersion version, SsmNames.Selected selected,
                                          boolean decrypt) {
        Map<String, Object> out = JsonOutput.ordered(
                "Name", version.name(),
                "Type", version.type(),
                "Value", value(version, decrypt),
                "Version", version.version());
        if (selected.selector() != null) {
            out.put("Selector", ":" + selected.selector());
        }
        out.put("LastModifiedDate", JsonOutput.epochSeconds(version.lastModified()));
        out.put("ARN", state.arn(version.name()));
        out.put("DataType", "text");
        return out;
    }

    private Map<String, Object> historyEntry(FakeSsm.ParameterVersion version, boolean decrypt) {
        Map<String, Object> out = JsonOutput.ordered("Name", version.name(), "Type", version.type());
        if (version.keyId() != null) {
            out.put("KeyId", version.keyId());
        }
        out.put("LastModifiedDate", JsonOutput.epochSeconds(version.lastModified()));
        out.put("LastModifiedUser", "arn:aws:iam::" + FakeAws.ACCOUNT_ID + ":user/fake-aws");
        if (version.description() != null) {
            out.put("Description", version.description());
        }
        out.put("Value", value(version, decrypt));
        out.put("Version", version.version());
        out.put("Labels", state.labels(version.name(), version.version()));
        out.put("Tier", state.tier(version.name()));
        out.put("Policies", List.of());
        out.put("DataType", "text");
        return out;
    }

    private static String value(FakeSsm.ParameterVersion version, boolean decrypt) {
        return version.secure() && !decrypt ? version.encryptedValue() : version.value();
    }
}
